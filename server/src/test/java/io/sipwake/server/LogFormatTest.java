package io.sipwake.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.server.config.SipwakeConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code logging.format: json}: one JSON object per line with the fields a log shipper needs. */
class LogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonPutsOneObjectPerLineWithTheFormattedMessage() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("captured");
        appender.setEncoder(new ch.qos.logback.classic.encoder.PatternLayoutEncoder());
        appender.setOutputStream(captured);
        root.addAppender(appender);
        Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> before = encoders(root);
        try {
            LogFormat.apply(new SipwakeConfig.Logging("json"));
            assertThat(appender.getEncoder()).isInstanceOf(ch.qos.logback.classic.encoder.JsonEncoder.class);
            ch.qos.logback.classic.Logger logger = context.getLogger("io.sipwake.test.JsonLog");
            appender.doAppend(new LoggingEvent("x", logger, Level.WARN, "APNs rejected {} push: {}", null,
                    new Object[] {"CALL", "400 BadDeviceToken"}));
        } finally {
            root.detachAppender(appender);
            restore(before);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines[0]);
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("loggerName").asText()).isEqualTo("io.sipwake.test.JsonLog");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("APNs rejected CALL push: 400 BadDeviceToken");
        assertThat(line.has("timestamp")).isTrue();
        assertThat(line.has("threadName")).isTrue();
    }

    @Test
    void textLeavesTheConfiguredEncoders() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> before = encoders(root);
        LogFormat.apply(SipwakeConfig.defaults().logging());
        assertThat(encoders(root)).isEqualTo(before);
    }

    @Test
    void anUnknownFormatIsAConfigErrorNamingTheKey() {
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("SIPWAKE_LOGGING_FORMAT", "xml")));
        assertThat(e).hasMessage("environment variable SIPWAKE_LOGGING_FORMAT (logging.format): must be one of text, json (got 'xml')");
    }

    private static Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> encoders(ch.qos.logback.classic.Logger root) {
        Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> m = new LinkedHashMap<>();
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            if (a instanceof OutputStreamAppender<ILoggingEvent> o) m.put(o, o.getEncoder());
        }
        return m;
    }

    private static void restore(Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> encoders) {
        encoders.forEach((appender, encoder) -> {
            appender.stop();
            appender.setEncoder(encoder);
            appender.start();
        });
    }
}
