package io.sipwake.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SIP message that SIPp sent or received, as its {@code -trace_msg} log shows it.
 *
 * @param direction whether SIPp sent or received it
 * @param transport UDP or TCP, as SIPp logged it
 * @param text the message, with CRLF line ends
 */
public record SippMessage(Direction direction, String transport, String text) {

    /** Seen from SIPp. */
    public enum Direction { SENT, RECEIVED }

    private static final Pattern ENTRY_HEADING = Pattern.compile(
            "^(UDP|TCP|TLS|SCTP) message (sent|received) (?:\\(\\d+ bytes\\)|\\[\\d+\\] bytes ?):$");

    /** The request line or status line. */
    public String startLine() {
        int end = text.indexOf("\r\n");
        return end < 0 ? text.strip() : text.substring(0, end);
    }

    /** True for a request with this method. */
    public boolean isRequest(String method) {
        return startLine().startsWith(method + " ");
    }

    /** True for a response with this status code to a request with this method (by CSeq). */
    public boolean isResponse(int statusCode, String method) {
        return startLine().startsWith("SIP/2.0 " + statusCode + " ") && method.equalsIgnoreCase(cseqMethod());
    }

    /** The method named in CSeq, or "" if there is none. */
    public String cseqMethod() {
        String[] cseq = header("CSeq").orElse("").trim().split("\\s+");
        return cseq.length == 2 ? cseq[1] : "";
    }

    /** The value of the first header field with this (long) name, ignoring case. */
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** The values of all header fields with this (long) name, ignoring case, in order. */
    public List<String> headers(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        List<String> values = new ArrayList<>();
        for (String line : text.split("\r\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(line.substring(prefix.length()).trim());
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return (direction == Direction.SENT ? "sent " : "received ") + startLine()
                + (startLine().startsWith("SIP/2.0") ? " (" + cseqMethod() + ")" : "");
    }

    /** Matches a request with this method. */
    public static Predicate<SippMessage> request(String method) {
        return message -> message.isRequest(method);
    }

    /** Matches a response with this status code to a request with this method. */
    public static Predicate<SippMessage> response(int statusCode, String method) {
        return message -> message.isResponse(statusCode, method);
    }

    /** The messages in the text of a SIPp message log ({@code -trace_msg}), in order. */
    static List<SippMessage> parseLog(String log) {
        List<SippMessage> messages = new ArrayList<>();
        for (String entry : log.split("(?m)^-{20,}[^\\n]*\\n")) {
            int headingEnd = entry.indexOf('\n');
            if (headingEnd < 0) {
                continue;
            }
            Matcher heading = ENTRY_HEADING.matcher(entry.substring(0, headingEnd).strip());
            if (!heading.matches()) {
                continue;
            }
            String text = entry.substring(headingEnd + 1).replaceFirst("^\\n", "").stripTrailing();
            messages.add(new SippMessage(
                    heading.group(2).equals("sent") ? Direction.SENT : Direction.RECEIVED,
                    heading.group(1),
                    text + "\r\n"));
        }
        return messages;
    }
}
