package io.massivesse.relay.jms;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import io.massivesse.presence.PresenceAnswer;

import static org.assertj.core.api.Assertions.assertThat;

/** How a presence query takes its answers off the reply queue: a reply that is not an answer must not fail the query. */
class JmsPresenceRelayAnswersTest {

    private static TextMessage reply(String text) throws JMSException {
        TextMessage message = JmsCodecTest.textMessage();
        message.setText(text);
        return message;
    }

    private static String answerOf(String node, String user) {
        return PresenceMessages.answer(new PresenceAnswer(node, List.of(), Set.of(user)));
    }

    @Test
    void aReplyThatIsNotAnAnswerIsSkippedAndTheOthersAreKept() throws JMSException {
        ArrayDeque<TextMessage> queue = new ArrayDeque<>(List.of(
                reply("{\"node\": 42, \"not\": \"an answer\""),
                reply(answerOf("node1", "alice")),
                reply("not json at all"),
                reply(answerOf("node2", "bob"))));
        long deadline = System.nanoTime() + 5_000_000_000L;

        List<PresenceAnswer> answers = JmsPresenceRelay.collect(millis -> queue.poll(), Set.of("node1", "node2"), deadline);

        assertThat(answers).extracting(PresenceAnswer::node).containsExactly("node1", "node2");
        assertThat(queue).as("every expected node answered: nothing more is waited for").isEmpty();
    }

    @Test
    void aNodeThatSendsNothingReadableIsLeftOutWhenTheTimeIsUp() throws JMSException {
        ArrayDeque<TextMessage> queue = new ArrayDeque<>(List.of(reply(answerOf("node1", "alice")), reply("[]")));

        List<PresenceAnswer> answers = JmsPresenceRelay.collect(millis -> queue.poll(), Set.of("node1", "node2"),
                System.nanoTime() + 1_000_000_000L);

        assertThat(answers).extracting(PresenceAnswer::node).containsExactly("node1");
    }
}
