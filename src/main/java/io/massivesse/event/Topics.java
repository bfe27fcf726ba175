package io.massivesse.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The topics one connection listens to: exact names ({@code orders/42}) and prefixes
 * ({@code orders/*}, every name below {@code orders/}, not {@code orders} itself). Immutable;
 * the selectors have passed {@link FieldRules#topicSelectorProblem}.
 */
public final class Topics {

    /** A selector ending in this listens to every name below its prefix. */
    public static final String PREFIX_MARK = "/*";

    public static final Topics NONE = new Topics(Set.of(), Set.of());

    private final Set<String> names;
    /** Prefixes without the {@code *}: {@code orders/*} is kept as {@code orders/}. */
    private final Set<String> prefixes;

    private Topics(Set<String> names, Set<String> prefixes) {
        this.names = names;
        this.prefixes = prefixes;
    }

    public static Topics of(Collection<String> selectors) {
        if (selectors.isEmpty()) {
            return NONE;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (String selector : selectors) {
            if (isPrefix(selector)) {
                prefixes.add(selector.substring(0, selector.length() - 1));
            } else {
                names.add(selector);
            }
        }
        return new Topics(Collections.unmodifiableSet(names), Collections.unmodifiableSet(prefixes));
    }

    public static boolean isPrefix(String selector) {
        return selector.endsWith(PREFIX_MARK);
    }

    /** Whether an event for this topic name reaches the connection: O(depth of the name), not O(selectors). */
    public boolean matches(String topic) {
        if (names.contains(topic)) {
            return true;
        }
        if (prefixes.isEmpty()) {
            return false;
        }
        for (int slash = topic.indexOf('/'); slash >= 0; slash = topic.indexOf('/', slash + 1)) {
            if (prefixes.contains(topic.substring(0, slash + 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether these topics (a token's claim) allow listening to {@code selector}: a name they match, or a
     * prefix at or below one of theirs ({@code orders/*} allows {@code orders/42/*}).
     */
    public boolean allow(String selector) {
        if (!isPrefix(selector)) {
            return matches(selector);
        }
        String prefix = selector.substring(0, selector.length() - 1);
        for (int slash = prefix.indexOf('/'); slash >= 0; slash = prefix.indexOf('/', slash + 1)) {
            if (prefixes.contains(prefix.substring(0, slash + 1))) {
                return true;
            }
        }
        return false;
    }

    /** These topics with {@code added} and without {@code removed}, the first {@code max} of them at most. */
    public Topics changed(Collection<String> added, Collection<String> removed, int max) {
        Set<String> selectors = new LinkedHashSet<>(selectors());
        selectors.removeAll(removed);
        for (String selector : added) {
            if (selectors.size() >= max) {
                break;
            }
            selectors.add(selector);
        }
        return of(selectors);
    }

    /** The selectors as the client gave them: names, then prefixes ({@code orders/*}). */
    public List<String> selectors() {
        List<String> all = new ArrayList<>(names);
        for (String prefix : prefixes) {
            all.add(prefix + "*");
        }
        return all;
    }

    public boolean isEmpty() {
        return names.isEmpty() && prefixes.isEmpty();
    }

    public int size() {
        return names.size() + prefixes.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Topics topics && names.equals(topics.names) && prefixes.equals(topics.prefixes);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + prefixes.hashCode();
    }

    @Override
    public String toString() {
        return selectors().toString();
    }
}
