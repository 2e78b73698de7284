package io.sipwake.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.testing.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sipwake demo} as a newcomer runs it: it must finish by itself with exit 0, and what it prints must show,
 * for the iPhone (APNs) and for the Android phone (FCM), the push sipwake sent, the phone woken by it, the held
 * INVITE forwarded to the re-registered phone (RFC 8599 §5.6.2) and the call answered; and it leaves nothing behind.
 */
class DemoTest {

    @Test
    @Timeout(90)
    void demoWakesBothPhonesAndPrintsEachCallsTimeline() throws Exception {
        long demoDirsBefore = demoDirs();
        Cli.Result demo = Cli.sipwake("demo");

        String printed = demo.out();
        assertThat(demo.exitCode()).as("exit code; stderr: %s; stdout:%n%s", demo.err(), printed).isZero();
        String iphoneCall = section(printed, "Call 1:");
        String androidCall = section(printed, "Call 2:");
        assertThat(iphoneCall).contains("sip:alice@127.0.0.1", "push received from APNs (voip", "re-REGISTER answered 200 OK",
                "INVITE received", "caller   200 OK", "BYE answered 200 OK");
        assertThat(sipwakeTrace(iphoneCall)).containsPattern("\\d+ms received INVITE, \\d+ms push sent to apns, .*\\d+ms forwarded")
                .contains("push accepted");
        assertThat(androidCall).contains("sip:bob@127.0.0.1", "push received from FCM (data message, priority high, type call)",
                "re-REGISTER answered 200 OK", "INVITE received", "caller   200 OK", "BYE answered 200 OK");
        assertThat(sipwakeTrace(androidCall)).containsPattern("\\d+ms received INVITE, \\d+ms push sent to fcm, .*\\d+ms forwarded")
                .contains("push accepted");
        assertThat(printed).contains("Both sleeping phones were woken by a push");
        assertThat(printed).as("device tokens are shown redacted").contains("pn-prid=").containsPattern("pn-prid=[^\\s…]{4}…[^\\s…]{4}\\s");
        assertThat(demoDirs()).as("the demo's temporary directory is removed").isEqualTo(demoDirsBefore);
    }

    /**
     * Tokens are redacted everywhere: with sipwake's logs at DEBUG during a whole demo (registrations, pushes over
     * APNs and FCM, wake-ups, calls), no log line holds a whole APNs device token (64 hex digits) or FCM
     * registration token.
     */
    @Test
    @Timeout(90)
    void noLogLineHoldsAWholeDeviceToken() throws Exception {
        ch.qos.logback.classic.Logger sipwake = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.sipwake");
        ch.qos.logback.classic.Level level = sipwake.getLevel();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        sipwake.setLevel(ch.qos.logback.classic.Level.DEBUG);
        StringWriter out = new StringWriter();
        try {
            Demo.run(new PrintWriter(out, true));
        } finally {
            sipwake.setLevel(level);
            root.detachAppender(logs);
        }
        assertThat(logs.list).as("the demo logs pushes and wake-ups").anyMatch(e -> e.getFormattedMessage().startsWith("push wake INVITE"));
        Pattern apnsToken = Pattern.compile("[0-9a-fA-F]{64}");
        Pattern fcmToken = Pattern.compile("APA91b[A-Za-z0-9_-]{20,}");
        for (var event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage());
            assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContainPattern(apnsToken).doesNotContainPattern(fcmToken);
        }
    }

    /** The lines of one call, from its heading to the next blank line. */
    private static String section(String printed, String heading) {
        int start = printed.indexOf(heading);
        assertThat(start).as("%s in:%n%s", heading, printed).isNotNegative();
        int end = printed.indexOf("\n\n", start);
        return printed.substring(start, end < 0 ? printed.length() : end);
    }

    private static String sipwakeTrace(String call) {
        Matcher m = Pattern.compile("sipwake's trace of this INVITE[^\\n]*\\n\\s*([^\\n]*)").matcher(call);
        assertThat(m.find()).as("sipwake's trace in:%n%s", call).isTrue();
        return m.group(1);
    }

    private static long demoDirs() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("sipwake-demo-")).count();
        }
    }
}
