package io.massivesse.relay;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import io.massivesse.push.Update;

import static org.assertj.core.api.Assertions.assertThat;

class JmsMessagesTest {

    /** A TextMessage that only keeps properties and text: all JmsMessages touches. */
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

    @Test
    void anEventSurvivesTheTrip() throws JMSException {
        Update update = new Update("1764107000000-0001-node1", "news", "hello\nworld", "alice", 1764107000000L);
        TextMessage message = textMessage();
        message.setText(update.data());
        JmsMessages.write(update, message);
        assertThat(JmsMessages.read(message)).isEqualTo(new JmsMessages.Event(update));
    }

    @Test
    void aBatchOfConnectionsSurvivesTheTrip() throws JMSException {
        List<JmsMessages.Opened> opened = List.of(new JmsMessages.Opened("alice", 10L), new JmsMessages.Opened("bob@x.org", 11L));
        TextMessage message = textMessage();
        JmsMessages.writeConnected("node2", opened, message);
        assertThat(JmsMessages.read(message)).isEqualTo(new JmsMessages.Connected("node2", opened));
    }

    @Test
    void aConnectedMessageWithABadLineIsDropped() throws JMSException {
        TextMessage message = textMessage();
        message.setStringProperty(JmsMessages.CONTROL, JmsMessages.CONTROL_CONNECTED);
        message.setStringProperty(JmsMessages.NODE, "node2");
        message.setText("10 alice\nnot-a-number bob\n");
        assertThat(JmsMessages.read(message)).isInstanceOf(JmsMessages.Invalid.class);
        message.setText("10 ../etc\n");
        assertThat(JmsMessages.read(message)).isInstanceOf(JmsMessages.Invalid.class);
    }

    @Test
    void aForeignMessageIsCheckedLikeARestPublish() throws JMSException {
        TextMessage forged = textMessage();
        forged.setText("x");
        forged.setStringProperty(JmsMessages.EVENT, "a\nevent: forged");
        assertThat(JmsMessages.read(forged)).isInstanceOf(JmsMessages.Invalid.class);

        TextMessage plain = textMessage();
        plain.setText("from a JMS client");
        JmsMessages.Inbound inbound = JmsMessages.read(plain);
        assertThat(inbound).isInstanceOf(JmsMessages.Event.class);
        // Every node derives the same id from the broker's message id.
        assertThat(((JmsMessages.Event) inbound).update().id()).isEqualTo("0000000001000-jms-abc");
    }
}
