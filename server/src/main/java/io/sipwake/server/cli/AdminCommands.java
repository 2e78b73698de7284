package io.sipwake.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.server.cli.AdminClient.Answer;
import io.sipwake.server.cli.AdminClient.CliFailure;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that read or change the state of a running sipwake through its admin HTTP API: {@code bindings},
 * {@code calls}, {@code trace} and {@code push}. Each prints a human-readable summary (push tokens redacted unless
 * {@code --reveal}), or with {@code --json} the API's JSON answer as it came.
 */
final class AdminCommands {
    static final String TOKEN_ENV = "SIPWAKE_ADMIN_TOKEN";

    private AdminCommands() {
    }

    /** How to reach the admin API, and how to print. */
    static final class AdminOptions {
        @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:8089",
                description = "base URL of the running sipwake's admin API (default: ${DEFAULT-VALUE})")
        String admin;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "file holding the admin token (default: the SIPWAKE_ADMIN_TOKEN environment variable, else no token)")
        Path tokenFile;

        @Option(names = "--json", description = "print the admin API's JSON answer as it is")
        boolean json;
    }

    /** Runs {@link #run} with a client, and turns a {@link CliFailure} into its message on stderr and its exit code. */
    abstract static class AdminCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions options = new AdminOptions();

        @Override
        public Integer call() {
            try {
                AdminClient client = AdminClient.of(options.admin, options.tokenFile, System.getenv(TOKEN_ENV));
                return run(client, spec.commandLine().getOut());
            } catch (CliFailure f) {
                spec.commandLine().getErr().println("sipwake: " + f.getMessage());
                return f.exitCode;
            }
        }

        abstract int run(AdminClient client, PrintWriter out) throws CliFailure;

        /** Prints the raw JSON with --json and returns true, or returns false for the caller to print its summary. */
        boolean printedJson(Answer answer, PrintWriter out) {
            if (!options.json) return false;
            out.println(answer.text().strip());
            return true;
        }
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- bindings ----

    @Command(name = "bindings", mixinStandardHelpOptions = true,
            description = {"List, show or delete registered bindings (without a subcommand: list).",
                    "Push tokens are shown as their first and last four characters unless --reveal is given."},
            subcommands = {BindingsList.class, BindingsShow.class, BindingsDelete.class})
    static final class Bindings extends AdminCommand {
        @Option(names = "--reveal", description = "show push tokens in full")
        boolean reveal;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            return BindingsList.list(this, client, out, reveal);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every AOR with its bindings.")
    static final class BindingsList extends AdminCommand {
        @Option(names = "--reveal", description = "show push tokens in full")
        boolean reveal;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            return list(this, client, out, reveal);
        }

        static int list(AdminCommand command, AdminClient client, PrintWriter out, boolean reveal) throws CliFailure {
            Answer a = client.get("/api/v1/bindings" + (reveal ? "?reveal=true" : ""));
            if (command.printedJson(a, out)) return 0;
            JsonNode body = a.json();
            for (JsonNode aor : body.path("items")) printAor(aor, out);
            out.println(body.path("aors").asInt() + " AOR(s), " + body.path("bindings").asInt() + " binding(s)");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the bindings of one AOR (sip: is assumed when missing); exit 4 when it has none.")
    static final class BindingsShow extends AdminCommand {
        @Parameters(index = "0", paramLabel = "AOR", description = "address-of-record, e.g. sip:alice@example.com")
        String aor;

        @Option(names = "--reveal", description = "show push tokens in full")
        boolean reveal;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            Answer a = client.get("/api/v1/bindings/" + segment(aor) + (reveal ? "?reveal=true" : ""));
            if (!printedJson(a, out)) printAor(a.json(), out);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove every binding of one AOR; exit 4 when it has none.")
    static final class BindingsDelete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "AOR", description = "address-of-record, e.g. sip:alice@example.com")
        String aor;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            Answer a = client.delete("/api/v1/bindings/" + segment(aor));
            if (!printedJson(a, out)) out.println("removed " + a.json().path("removed").asInt() + " binding(s) of " + a.json().path("aor").asText());
            return 0;
        }
    }

    static void printAor(JsonNode aor, PrintWriter out) {
        JsonNode bindings = aor.path("bindings");
        out.println(aor.path("aor").asText() + ": " + bindings.size() + " binding(s)");
        for (JsonNode b : bindings) {
            out.println("  " + b.path("contact").asText());
            List<String> facts = new ArrayList<>();
            facts.add("expires in " + b.path("expires-in").asLong() + " s");
            if (b.hasNonNull("instance")) facts.add("instance " + b.get("instance").asText());
            if (b.hasNonNull("reg-id") && b.get("reg-id").asInt() > 0) facts.add("reg-id " + b.get("reg-id").asText());
            if (b.hasNonNull("q")) facts.add("q " + b.get("q").asText());
            if (b.hasNonNull("source")) facts.add("from " + b.get("source").asText() + (b.path("connected-flow").asBoolean() ? " (connected)" : ""));
            if (b.hasNonNull("user-agent")) facts.add("User-Agent " + b.get("user-agent").asText());
            out.println("    " + String.join(", ", facts));
            JsonNode push = b.path("push");
            if (push.isObject()) {
                StringBuilder line = new StringBuilder("    push: ").append(push.path("provider").asText());
                if (push.hasNonNull("param")) line.append(' ').append(push.get("param").asText());
                if (push.path("sandbox").asBoolean()) line.append(" (sandbox)");
                for (JsonNode t : push.path("tokens")) line.append(", ").append(t.path("service").asText()).append(" token ").append(t.path("token").asText());
                out.println(line);
            }
        }
    }

    // ---- calls, trace ----

    @Command(name = "calls", mixinStandardHelpOptions = true,
            description = "List the requests held now while their phone wakes: Call-ID, method, AOR, provider, how long, timeline so far.")
    static final class Calls extends AdminCommand {
        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            Answer a = client.get("/api/v1/calls");
            if (printedJson(a, out)) return 0;
            if (!a.json().path("push").asBoolean()) {
                out.println("push wake-up is off: no requests are held");
                return 0;
            }
            for (JsonNode h : a.json().path("items")) {
                out.println(h.path("method").asText() + " " + h.path("call-id").asText() + " for " + h.path("aor").asText() + " via "
                        + h.path("provider").asText() + ", held " + h.path("held-for-ms").asLong() + " ms (since " + h.path("held-since").asText() + ")");
                List<String> events = new ArrayList<>();
                for (JsonNode e : h.path("timeline")) events.add(e.asText());
                out.println("  " + String.join(", ", events));
            }
            out.println(a.json().path("held").asInt() + " request(s) held while their phone wakes");
            return 0;
        }
    }

    @Command(name = "trace", mixinStandardHelpOptions = true,
            description = {"Print the timeline of one call: received, pushed, provider answer, re-REGISTER, forwarded, outcome.",
                    "Exit 4 when sipwake has no trace of that Call-ID."})
    static final class Trace extends AdminCommand {
        @Parameters(index = "0", paramLabel = "CALL-ID", description = "the call's Call-ID")
        String callId;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            Answer a = client.get("/api/v1/traces/" + segment(callId));
            if (printedJson(a, out)) return 0;
            out.println("Call-ID " + a.json().path("call-id").asText());
            for (JsonNode t : a.json().path("traces")) {
                out.println(t.path("method").asText() + " for " + t.path("aor").asText() + " via " + t.path("provider").asText() + ":");
                for (JsonNode event : t.path("timeline")) out.println("  " + event.asText());
            }
            return 0;
        }
    }

    // ---- push ----

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Send a test push to every push binding of an AOR, or to a raw token, and print the provider's answer.",
                    "Exit 0 when every push was accepted, 1 when one was rejected or failed, 4 when the AOR has no push binding."})
    static final class Push extends AdminCommand {
        @Option(names = "--aor", paramLabel = "AOR", description = "push every push binding of this address-of-record")
        String aor;

        @Option(names = "--provider", paramLabel = "P", description = "raw token: the pn-provider (apns, fcm, ...)")
        String provider;

        @Option(names = "--token", paramLabel = "T", description = "raw token: the device token (pn-prid)")
        String token;

        @Option(names = "--param", paramLabel = "X", description = "raw token: the pn-param (APNs: TEAMID.bundle.id; FCM: the project)")
        String param;

        @Option(names = "--sandbox", description = "raw token: APNs development environment")
        boolean sandbox;

        @Option(names = "--kind", paramLabel = "K", defaultValue = "message",
                description = "call, message, call-cancelled, missed-call or registration-refresh (default: ${DEFAULT-VALUE}; "
                        + "only call may become an APNs VoIP push)")
        String kind;

        @Override
        int run(AdminClient client, PrintWriter out) throws CliFailure {
            Map<String, Object> body = new LinkedHashMap<>();
            if (aor != null) {
                if (provider != null || token != null || param != null || sandbox) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--aor cannot be combined with --provider, --token, --param or --sandbox");
                }
                body.put("aor", aor);
            } else {
                if (provider == null || token == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "give --aor AOR, or --provider P and --token T");
                }
                body.put("provider", provider);
                if (param != null) body.put("param", param);
                body.put("token", token);
                body.put("sandbox", sandbox);
            }
            body.put("kind", kind);
            Answer a = client.post("/api/v1/push", body);
            boolean allAccepted = true;
            for (JsonNode r : a.json()) allAccepted &= "accepted".equals(r.path("result").asText());
            if (printedJson(a, out)) return allAccepted ? 0 : SipwakeCommand.EXIT_FAILURE;
            for (JsonNode r : a.json()) out.println(describe(r));
            return allAccepted ? 0 : SipwakeCommand.EXIT_FAILURE;
        }

        static String describe(JsonNode r) {
            StringBuilder s = new StringBuilder();
            if (r.hasNonNull("aor")) s.append(r.get("aor").asText()).append(' ');
            s.append(r.path("provider").asText());
            if (r.hasNonNull("param")) s.append(' ').append(r.get("param").asText());
            if (r.path("sandbox").asBoolean()) s.append(" (sandbox)");
            if (r.hasNonNull("token")) {
                s.append(' ');
                if (r.hasNonNull("service")) s.append(r.get("service").asText()).append(' ');
                s.append("token ").append(r.get("token").asText());
            }
            s.append(", ").append(r.path("kind").asText()).append(" push: ");
            String result = r.path("result").asText();
            s.append(result);
            switch (result) {
                case "accepted" -> {
                    s.append(" (").append(r.path("status").asInt());
                    if (r.hasNonNull("provider-id")) s.append(", id ").append(r.get("provider-id").asText());
                    s.append(')');
                }
                case "rejected" -> {
                    s.append(": ").append(r.path("status").asInt()).append(' ').append(r.path("reason").asText());
                    if (r.path("token-is-dead").asBoolean()) s.append(" (the token is dead");
                    if (r.hasNonNull("invalidated-at")) s.append(" since ").append(r.get("invalidated-at").asText());
                    if (r.path("token-is-dead").asBoolean()) s.append(')');
                    if (r.path("operator-error").asBoolean()) s.append(" (a configuration problem on sipwake's side)");
                }
                default -> s.append(": ").append(r.path("reason").asText());
            }
            return s.toString();
        }
    }
}
