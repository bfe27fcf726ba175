package io.massivesse.relay.jms;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import io.massivesse.event.Update;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceChange;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.relay.Claim;
import io.massivesse.relay.ControlMessage;
import io.massivesse.relay.Handover;
import io.massivesse.relay.OpenedConnection;

import static org.assertj.core.api.Assertions.assertThat;

class JmsCodecTest {

    /** A TextMessage that only keeps properties and text: all JmsCodec touches. */
    static TextMessage textMessage() {
        Map<String, Object> properties = new HashMap<>();
        Object[] text = {null};
        return (TextMessage) Proxy.newProxyInstance(TextMessage.class.getClassLoader(), new Class<?>[] {TextMessage.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setStringProperty", "setLongProperty" -> properties.put((String) args[0], args[1]);
                    case "getStringProperty" -> (String) properties.get(args[0]);
                    case "getLongProperty" -> (Long) properties.get(args[0]);
                    case "propertyExists" -> properties.containsKey(args[0]);
                    case "setText" -> text[0] = args[0];
                    case "getText" -> text[0];
                    case "getJMSTimestamp" -> 1_000L;
                    case "getJMSMessageID" -> "ID:abc";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static TextMessage message(String text, String... properties) throws JMSException {
        TextMessage message = textMessage();
        message.setText(text);
        for (int i = 0; i < properties.length; i += 2) {
            message.setStringProperty(properties[i], properties[i + 1]);
        }
        return message;
    }

    private static String refusal(TextMessage message) throws JMSException {
        JmsCodec.Inbound inbound = JmsCodec.read(message);
        assertThat(inbound).isInstanceOf(JmsCodec.Invalid.class);
        return ((JmsCodec.Invalid) inbound).reason();
    }

    @Test
    void anEventSurvivesTheTrip() throws JMSException {
        Update update = new Update("1764107000000-0001-node1", "news", "hello\nworld", "alice", 1764107000000L);
        TextMessage message = textMessage();
        message.setText(update.data());
        EventMessages.write(update, message);
        assertThat(JmsCodec.read(message)).isEqualTo(new JmsCodec.Event(update));
    }

    @Test
    void aBatchOfConnectionsSurvivesTheTrip() throws JMSException {
        List<OpenedConnection> opened = List.of(new OpenedConnection("alice", 10L), new OpenedConnection("bob@x.org", 11L));
        TextMessage message = textMessage();
        ControlMessages.write(new ControlMessage.Connected("node2", opened), message);
        assertThat(JmsCodec.read(message)).isEqualTo(new JmsCodec.Control(new ControlMessage.Connected("node2", opened)));
    }

    @Test
    void aConnectedMessageWithABadLineIsDropped() throws JMSException {
        TextMessage message = textMessage();
        message.setStringProperty(ControlMessages.CONTROL, "connected");
        message.setStringProperty(ControlMessages.NODE, "node2");
        message.setText("10 alice\nnot-a-number bob\n");
        assertThat(refusal(message)).isEqualTo("a connected message has a bad line");
        message.setText("10 ../etc\n");
        assertThat(refusal(message)).isEqualTo("a connected message has a bad line");
    }

    @Test
    void controlMessagesNeedAKnownKindANodeAndABody() throws JMSException {
        assertThat(refusal(message("x", ControlMessages.CONTROL, "shutdown"))).isEqualTo("unknown control message 'shutdown'");
        assertThat(refusal(message(null, ControlMessages.CONTROL, "connected")))
                .isEqualTo("a connected message needs sseNode and a text body");
    }

    @Test
    void aForeignMessageIsCheckedLikeARestPublish() throws JMSException {
        assertThat(refusal(message("x", EventMessages.EVENT, "a\nevent: forged")))
                .isEqualTo("sseEvent: event name must be 1-128 characters without CR, LF or NUL");
        assertThat(refusal(message("x", EventMessages.EVENT, "")))
                .isEqualTo("sseEvent: event name must be 1-128 characters without CR, LF or NUL");
        assertThat(refusal(message("x", EventMessages.USER_ID, "../etc")))
                .isEqualTo("sseUserId: userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -");
        assertThat(refusal(message("x", EventMessages.ID, "x".repeat(129))))
                .isEqualTo("sseId: id must be 1-128 characters without CR, LF or NUL");
        assertThat(refusal(message("x", EventMessages.ID, "a\0b"))).isEqualTo("sseId: id must be 1-128 characters without CR, LF or NUL");
        assertThat(refusal(message("  \n"))).isEqualTo("missing or blank data");
        assertThat(refusal(message(null))).isEqualTo("missing or blank data");

        JmsCodec.Inbound inbound = JmsCodec.read(message("from a JMS client"));
        assertThat(inbound).isInstanceOf(JmsCodec.Event.class);
        // Every node derives the same id from the broker's message id.
        assertThat(((JmsCodec.Event) inbound).update().id()).isEqualTo("0000000001000-jms-abc");
    }

    @Test
    void aTopicEventSurvivesTheTripAndGoesToATopicOrAUserNeverBoth() throws JMSException {
        Update update = new Update("1764107000000-0002-node1", null, "shipped", null, "orders/42", 1764107000000L);
        TextMessage message = textMessage();
        message.setText(update.data());
        EventMessages.write(update, message);
        assertThat(message.getStringProperty(EventMessages.TOPIC)).isEqualTo("orders/42");
        assertThat(JmsCodec.read(message)).isEqualTo(new JmsCodec.Event(update));

        assertThat(refusal(message("x", EventMessages.TOPIC, "orders/42", EventMessages.USER_ID, "alice")))
                .isEqualTo("a message goes to a user (sseUserId) or to a topic (sseTopic), not both");
        assertThat(refusal(message("x", EventMessages.TOPIC, "orders/*")))
                .isEqualTo("sseTopic: topic 'orders/*' is a prefix: an event is published to one topic name");
        assertThat(refusal(message("x", EventMessages.TOPIC, "orders//42"))).startsWith("sseTopic: topic 'orders//42' is not a topic name");
    }

    @Test
    void aSubscriptionChangeSurvivesTheTrip() throws JMSException {
        TextMessage message = textMessage();
        ControlMessages.writeSubscriptions("alice", List.of("orders/42", "tenants/acme/*"), List.of("orders/41"), message);
        assertThat(JmsCodec.read(message)).isEqualTo(
                new JmsCodec.Subscriptions("alice", List.of("orders/42", "tenants/acme/*"), List.of("orders/41")));
        message.setText("+orders/42\n*bad\n");
        assertThat(refusal(message)).isEqualTo("a subscriptions message has a bad line");
        message.setText("+orders//42\n");
        assertThat(refusal(message)).isEqualTo("a subscriptions message has a bad line");
        assertThat(refusal(message("+a", ControlMessages.CONTROL, ControlMessages.SUBSCRIPTIONS)))
                .isEqualTo("a subscriptions message needs a valid sseUserId and a text body");
    }

    @Test
    void onlyTextMessagesCarryEvents() throws JMSException {
        // A message with no properties at all: every getStringProperty answers null.
        BytesMessage bytes = (BytesMessage) Proxy.newProxyInstance(BytesMessage.class.getClassLoader(),
                new Class<?>[] {BytesMessage.class}, (proxy, method, args) -> null);
        JmsCodec.Inbound inbound = JmsCodec.read(bytes);
        assertThat(inbound).isInstanceOf(JmsCodec.Invalid.class);
        assertThat(((JmsCodec.Invalid) inbound).reason()).startsWith("not a TextMessage");
    }

    @Test
    void presenceControlMessagesSurviveTheTrip() throws JMSException {
        TextMessage claims = textMessage();
        ControlMessages.write(new ControlMessage.Claims("node2", List.of(new Claim("alice", "node1"))), claims);
        assertThat(JmsCodec.read(claims)).isEqualTo(new JmsCodec.Control(new ControlMessage.Claims("node2", List.of(new Claim("alice", "node1")))));

        TextMessage gone = textMessage();
        ControlMessages.write(new ControlMessage.Disconnected("node2", List.of("alice", "bob")), gone);
        assertThat(JmsCodec.read(gone)).isEqualTo(new JmsCodec.Control(new ControlMessage.Disconnected("node2", List.of("alice", "bob"))));

        Handover departure = new Handover("bob", "node1", "node-shutdown", 10L, 20L);
        TextMessage stopped = textMessage();
        ControlMessages.write(new ControlMessage.NodeStopped("node2", List.of(departure)), stopped);
        assertThat(JmsCodec.read(stopped)).isEqualTo(new JmsCodec.Control(new ControlMessage.NodeStopped("node2", List.of(departure))));

        TextMessage alive = textMessage();
        ControlMessages.write(new ControlMessage.NodeAlive("node2"), alive);
        assertThat(JmsCodec.read(alive)).isEqualTo(new JmsCodec.Control(new ControlMessage.NodeAlive("node2")));

        TextMessage question = textMessage();
        ControlMessages.writeQuestion("node2", PresenceQuestion.topic("orders/*"), question);
        assertThat(JmsCodec.read(question)).isEqualTo(new JmsCodec.Question("node2", PresenceQuestion.topic("orders/*")));
    }

    @Test
    void badPresenceLinesAreRefused() throws JMSException {
        assertThat(refusal(message("node1 al\u0000ice", ControlMessages.CONTROL, "present", ControlMessages.NODE, "node2")))
                .contains("bad line");
        assertThat(refusal(message("x 10 r n u", ControlMessages.CONTROL, "stopped", ControlMessages.NODE, "node2")))
                .contains("bad line");
        assertThat(refusal(message("alice", ControlMessages.CONTROL, "disconnected"))).contains("sseNode");
        assertThat(refusal(message("orders/**", ControlMessages.CONTROL, ControlMessages.QUESTION_KIND, ControlMessages.NODE, "node2",
                ControlMessages.QUESTION, "topic"))).contains("presence query");
    }

    @Test
    void anAnswerSurvivesTheTrip() {
        PresenceAnswer answer = new PresenceAnswer("node3",
                List.of(new PresenceAnswer.Connection(1764107000000L, List.of("orders/42"))), Set.of("alice"));
        assertThat(PresenceMessages.readAnswer(PresenceMessages.answer(answer))).isEqualTo(answer);
    }

    @Test
    void presenceChangesAreOneJsonDocumentPerMessage() {
        String json = PresenceMessages.presence("node1", List.of(
                PresenceChange.online("alice", "node1", List.of("orders/42"), 1764579000000L),
                PresenceChange.offline("bob", "node2", "client-gone", 1764579001000L),
                PresenceChange.nodeDown("node3", "unresponsive", 1764579002000L)));
        assertThat(json).isEqualTo("{\"node\":\"node1\",\"changes\":["
                + "{\"type\":\"online\",\"userId\":\"alice\",\"node\":\"node1\",\"topics\":[\"orders/42\"],\"at\":\"2025-12-01T08:50:00Z\"},"
                + "{\"type\":\"offline\",\"userId\":\"bob\",\"node\":\"node2\",\"reason\":\"client-gone\",\"at\":\"2025-12-01T08:50:01Z\"},"
                + "{\"type\":\"node-down\",\"node\":\"node3\",\"reason\":\"unresponsive\",\"at\":\"2025-12-01T08:50:02Z\"}]}");
    }
}
