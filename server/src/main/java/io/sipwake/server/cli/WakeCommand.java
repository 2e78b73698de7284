package io.sipwake.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.server.cli.AdminClient.Answer;
import io.sipwake.server.cli.AdminClient.CliFailure;
import io.sipwake.server.config.ConfigLoader;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sipwake wake}: hook mode for a PBX dialplan ({@code POST /api/v1/wake}). The exit code is what the dialplan
 * branches on; the outcome goes to stdout as one line per fact (or the API's JSON with {@code --json}).
 */
@Command(name = "wake", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wake a phone before the PBX dials it (hook mode).",
                "Stores the push token of --contact (any dialect sipwake reads: RFC 8599 pn-*, Linphone pn-type/pn-tok/app-id, "
                        + "pn-voip-tok, X-PUSH-URI) for the AOR, or uses the AOR's stored push bindings, and sends a call push. "
                        + "Without --wait it returns once the push service answered; with --wait once the phone registered "
                        + "again through sipwake (or, for a phone that registers with the PBX directly, once the push was accepted), "
                        + "or at --timeout. Wakes with the same --call-id share one push."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:woken: the phone registered again (--wait), or the push was accepted",
                "1:unexpected failure (e.g. push is off in sipwake)",
                "2:bad input (the message names the field)",
                "3:unreadable token file, or a token the admin API refuses",
                "4:no push binding for the AOR and no usable --contact",
                "5:cannot reach the admin API",
                "6:the push service rejected the push, or could not be reached (its answer is printed)",
                "7:the push token is dead: its binding was removed",
                "8:--wait timed out: the phone did not register"})
final class WakeCommand extends AdminCommands.AdminCommand {
    /** How long the CLI waits for the answer when no --timeout is given: above any wait sipwake allows by default. */
    private static final Duration DEFAULT_ANSWER_WAIT = Duration.ofMinutes(5);

    @Parameters(index = "0", paramLabel = "AOR", description = "the address-of-record to wake, e.g. sip:1001@pbx.example.com (sip: assumed)")
    String aor;

    @Option(names = "--contact", paramLabel = "STR", description = "the phone's registered contact as the PBX knows it (its push token is stored)")
    String contact;

    @Option(names = "--call-id", paramLabel = "ID", description = "the call's id: wakes with the same id share one push")
    String callId;

    @Option(names = "--caller", paramLabel = "URI", description = "the caller, shown by the phone's app")
    String caller;

    @Option(names = "--caller-name", paramLabel = "NAME", description = "the caller's display name")
    String callerName;

    @Option(names = "--wait", description = "return when the phone registered again (see above), not when the push was accepted")
    boolean waitForRegister;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "how long to wait, e.g. 20s or 1500ms (default: sipwake's push.call-timeout; at most 2m or push.call-timeout)")
    String timeout;

    @Override
    int run(AdminClient client, PrintWriter out) throws CliFailure {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("aor", aor);
        if (contact != null) body.put("contact", contact);
        if (callId != null) body.put("call-id", callId);
        if (caller != null) body.put("caller", caller);
        if (callerName != null) body.put("caller-name", callerName);
        body.put("wait", waitForRegister);
        if (timeout != null) body.put("timeout", timeout);
        Answer a = client.postForStatus("/api/v1/wake", body, answerWait(timeout));
        int exit = exitCode(a.status());
        JsonNode json = a.json();
        boolean outcome = json != null && json.hasNonNull("outcome");
        if (printedJson(a, out)) return exit;
        if (!outcome) {
            String error = json != null && json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + a.status();
            spec.commandLine().getErr().println("sipwake: " + error + (exit == SipwakeCommand.EXIT_FAILURE ? " (HTTP " + a.status() + ")" : ""));
            return exit;
        }
        StringBuilder line = new StringBuilder(json.path("outcome").asText()).append(": ").append(json.path("aor").asText());
        if (json.hasNonNull("call-id")) line.append(" call ").append(json.get("call-id").asText());
        line.append(" in ").append(json.path("elapsed-ms").asLong()).append(" ms: ").append(json.path("message").asText());
        if (json.path("duplicate").asBoolean()) line.append(" (joined an earlier wake of this call: no second push)");
        if (json.path("stored").asBoolean()) line.append(" (contact stored)");
        out.println(line);
        for (JsonNode push : json.path("pushes")) {
            String described = AdminCommands.Push.describe(push);
            out.println("  " + described + (push.path("binding-removed").asBoolean() ? ", binding removed" : ""));
        }
        return exit;
    }

    /** The exit code of the API's status (see the command's exit code list). */
    static int exitCode(int status) {
        return switch (status) {
            case 200 -> 0;
            case 404 -> SipwakeCommand.EXIT_NOT_FOUND;
            case 410 -> SipwakeCommand.EXIT_TOKEN_DEAD;
            case 502 -> SipwakeCommand.EXIT_PUSH_REJECTED;
            case 504 -> SipwakeCommand.EXIT_WAKE_TIMEOUT;
            case 400, 405, 413 -> SipwakeCommand.EXIT_USAGE;
            default -> SipwakeCommand.EXIT_FAILURE;
        };
    }

    /** The wait asked for plus a margin for the push itself; sipwake validates the value, this only bounds the wait. */
    private static Duration answerWait(String timeout) {
        if (timeout == null) return DEFAULT_ANSWER_WAIT;
        try {
            String t = timeout.strip();
            Duration d = t.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(t)) : ConfigLoader.parseDuration(t);
            return (d.compareTo(DEFAULT_ANSWER_WAIT) > 0 ? DEFAULT_ANSWER_WAIT : d).plusSeconds(15);
        } catch (RuntimeException e) {
            return Duration.ofSeconds(30); // sipwake answers 400 at once
        }
    }
}
