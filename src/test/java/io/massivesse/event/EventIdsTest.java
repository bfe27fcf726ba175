package io.massivesse.event;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    @Test
    void idsSortByPublishTimeAndAreUnique() {
        EventIds ids = new EventIds("node-1");
        List<String> issued = new ArrayList<>();
        issued.add(ids.next(1_000));
        issued.add(ids.next(1_000));
        issued.add(ids.next(999)); // clock stepped back: still after the last one
        issued.add(ids.next(2_000));
        assertThat(issued).isSorted().doesNotHaveDuplicates();
        assertThat(issued.get(0)).isEqualTo("0000000001000-0000-node-1");
        assertThat(issued.get(2)).isEqualTo("0000000001000-0002-node-1");
    }

    @Test
    void overflowingAMillisecondBorrowsTheNext() {
        EventIds ids = new EventIds("n");
        String last = null;
        for (int i = 0; i < 10_001; i++) {
            last = ids.next(5_000);
        }
        assertThat(last).isEqualTo("0000000005001-0000-n");
    }
}
