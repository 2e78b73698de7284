package io.sipwake.server.admin;

import io.sipwake.server.PushReloader;
import io.sipwake.server.SipwakeServer;
import io.sipwake.server.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/reload}: new push credentials from the config file without a restart ({@link PushReloader}).
 * Answers 200 {@code {"result":"reloaded"|"unchanged","changed":[...],"restart-needed":[...]}}, 422
 * {@code {"error":"<key>: <problem>"}} when the file is refused (the running senders stay), or 409 when sipwake was
 * started without a config file.
 */
final class AdminReload {
    record Answer(int status, Object body) {}

    private AdminReload() {}

    static Answer handle(SipwakeServer sipwake) {
        PushReloader reloader = sipwake.pushReloader();
        if (reloader == null) {
            return new Answer(409, Map.of("error", "sipwake was started without a config file (-c FILE): there is nothing to reload"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            PushReloader.Outcome outcome = reloader.reload();
            body.put("result", outcome.reloaded() ? "reloaded" : "unchanged");
            body.put("file", reloader.configFile().toString());
            body.put("changed", outcome.changed());
            body.put("restart-needed", outcome.needRestart());
            return new Answer(200, body);
        } catch (ConfigException e) {
            body.put("error", e.getMessage());
            body.put("result", "refused");
            return new Answer(422, body);
        }
    }
}
