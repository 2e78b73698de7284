package io.sipwake.testing;

import java.util.List;

/**
 * How a sipsak run ended. {@link #toString()} is a diagnosis for assertion messages.
 *
 * @param command the sipsak command line
 * @param exitCode 0 a 200 was received, 1 another final response, 2 local error, 3 remote error
 *     (no answer, ICMP or TLS failure); {@link BoundedProcess#KILLED} if killed at its timeout
 * @param output sipsak's standard output and error (with -vvv: the requests and replies)
 */
public record SipsakResult(List<String> command, int exitCode, String output) {

    public SipsakResult {
        command = List.copyOf(command);
    }

    /** True if sipsak received the 200 it wanted (exit code 0). */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        return "sipsak exited with " + exitCode + "\ncommand: " + String.join(" ", command) + "\noutput:\n" + output.strip() + "\n";
    }
}
