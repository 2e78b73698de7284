package io.sipwake.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.sipwake.server.config.SipwakeConfig;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format}: {@code json} gives the console appender Logback's own {@link JsonEncoder}, one
 * object per line with the timestamp, level, thread, logger, the formatted message and any throwable (the raw
 * message pattern and its arguments are left out: the formatted message is what the text format shows too).
 */
public final class LogFormat {
    private static final Logger log = LoggerFactory.getLogger(LogFormat.class);

    private LogFormat() {}

    public static void apply(SipwakeConfig.Logging logging) {
        if (!"json".equals(logging.format())) return;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            log.warn("logging.format: json needs Logback as the logging backend; logging as text");
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                appender.stop();
                appender.setEncoder(jsonEncoder(context));
                appender.start();
            }
        }
    }

    static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
