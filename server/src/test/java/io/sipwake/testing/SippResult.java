package io.sipwake.testing;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a SIPp run ended: its exit code, its call counts, and every SIP message it sent and received.
 *
 * <p>{@link #toString()} is a diagnosis (command, counts, message flow, errors) for assertion
 * messages, e.g. {@code assertThat(result).matches(SippResult::succeeded, "all calls succeeded")}.
 *
 * @param command the SIPp command line
 * @param exitCode SIPp's exit code: 0 all calls succeeded, 1 at least one failed, 97 exit on
 *     internal command, 99 normal exit without calls processed, 255 fatal error (e.g. -timeout
 *     reached with -timeout_error), 254 cannot bind; {@link BoundedProcess#KILLED} if killed
 * @param successfulCalls calls that reached the scenario's end, as SIPp counted them (-1 if unknown)
 * @param failedCalls calls that failed, as SIPp counted them (-1 if unknown)
 * @param messages the SIP messages SIPp sent and received, in order
 * @param errorLog SIPp's error log (-trace_err): unexpected messages, failed regexps, timeouts
 * @param output SIPp's standard output and error, ending with its final statistics screen
 */
public record SippResult(
        List<String> command,
        int exitCode,
        int successfulCalls,
        int failedCalls,
        List<SippMessage> messages,
        String errorLog,
        String output) {

    private static final Pattern SUCCESSFUL = Pattern.compile("(?m)^\\s*Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)");
    private static final Pattern FAILED = Pattern.compile("(?m)^\\s*Failed call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)");
    private static final int SHOWN_ERROR_CHARS = 3000;

    public SippResult {
        command = List.copyOf(command);
        messages = List.copyOf(messages);
    }

    /** True if SIPp exited with 0, having completed at least one call and failed none. */
    public boolean succeeded() {
        return exitCode == 0 && successfulCalls > 0 && failedCalls == 0;
    }

    /** The messages SIPp received. */
    public List<SippMessage> received() {
        return messages.stream().filter(m -> m.direction() == SippMessage.Direction.RECEIVED).toList();
    }

    /** The messages SIPp sent. */
    public List<SippMessage> sent() {
        return messages.stream().filter(m -> m.direction() == SippMessage.Direction.SENT).toList();
    }

    /** The received messages that match, e.g. {@code received(SippMessage.request("CANCEL"))}. */
    public List<SippMessage> received(Predicate<SippMessage> which) {
        return received().stream().filter(which).toList();
    }

    /** The sent messages that match, e.g. {@code sent(SippMessage.request("BYE"))}. */
    public List<SippMessage> sent(Predicate<SippMessage> which) {
        return sent().stream().filter(which).toList();
    }

    @Override
    public String toString() {
        String flow = messages.stream().map(m -> "  " + m).collect(Collectors.joining("\n"));
        String errors = errorLog.length() > SHOWN_ERROR_CHARS
                ? "..." + errorLog.substring(errorLog.length() - SHOWN_ERROR_CHARS)
                : errorLog;
        return "SIPp exited with " + exitCode + " (successful calls: " + successfulCalls + ", failed calls: " + failedCalls + ")\n"
                + "command: " + String.join(" ", command) + "\n"
                + "messages:\n" + (flow.isEmpty() ? "  (none)" : flow) + "\n"
                + (errors.isBlank() ? "" : "errors:\n" + errors.strip() + "\n");
    }

    /** The cumulative "Successful call" count on SIPp's last statistics screen. */
    static int successfulCalls(String screens) {
        return lastCount(SUCCESSFUL, screens).orElse(-1);
    }

    /** The cumulative "Failed call" count on SIPp's last statistics screen. */
    static int failedCalls(String screens) {
        return lastCount(FAILED, screens).orElse(-1);
    }

    private static OptionalInt lastCount(Pattern counter, String screens) {
        Matcher matcher = counter.matcher(screens);
        OptionalInt last = OptionalInt.empty();
        while (matcher.find()) {
            last = OptionalInt.of(Integer.parseInt(matcher.group(1)));
        }
        return last;
    }
}
