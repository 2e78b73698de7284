package io.sipwake.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipwake.server.cli.AdminClient.Answer;
import io.sipwake.server.cli.AdminClient.CliFailure;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code sipwake reload}: {@code POST /api/v1/reload} on a running sipwake (what SIGHUP does too). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make a running sipwake re-read its config file and use the push credentials in it (a new APNs key, another "
                + "Firebase project, a rotated service account) without a restart. Pushes in flight finish on the old credentials.",
                "Exit 0 when reloaded or unchanged, 3 when the file is refused (the message names the key; the running credentials stay)."})
final class ReloadCommand extends AdminCommands.AdminCommand {
    @Override
    int run(AdminClient client, PrintWriter out) throws CliFailure {
        Answer a = client.post("/api/v1/reload", Map.of());
        if (printedJson(a, out)) return 0;
        JsonNode body = a.json();
        if ("reloaded".equals(body.path("result").asText())) {
            out.println("push credentials reloaded from " + body.path("file").asText() + ":");
            for (JsonNode c : body.path("changed")) out.println("  " + c.asText());
        } else {
            out.println("push credentials in " + body.path("file").asText() + " are unchanged: nothing reloaded");
        }
        if (!body.path("restart-needed").isEmpty()) {
            out.println("changed in the file, applied only at the next start:");
            for (JsonNode c : body.path("restart-needed")) out.println("  " + c.asText());
        }
        return 0;
    }
}
