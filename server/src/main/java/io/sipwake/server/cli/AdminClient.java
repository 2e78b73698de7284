package io.sipwake.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The CLI's side of the admin HTTP API: one request, its JSON answer, and every way it can go wrong turned into a
 * {@link CliFailure} carrying the exit code.
 */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure to report on stderr as {@code sipwake: <message>} and to exit with {@code exitCode}. */
    static final class CliFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        CliFailure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** An answer: its status, the raw text and its parsed JSON (null when empty); 2xx unless from {@link #postForStatus}. */
    record Answer(int status, String text, JsonNode json) {}

    private final URI base;
    private final String token;
    private final HttpClient http;

    private AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * @param admin     the admin API's base URL, e.g. {@code http://127.0.0.1:8089}
     * @param tokenFile the token file, or null for {@code $SIPWAKE_ADMIN_TOKEN} (or no token at all)
     */
    static AdminClient of(String admin, Path tokenFile, String tokenFromEnv) throws CliFailure {
        URI base;
        try {
            base = new URI(admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin);
        } catch (URISyntaxException e) {
            throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "--admin: not a URL: " + admin);
        }
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
            throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "--admin: expected http://HOST:PORT, got " + admin);
        }
        String token = null;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "--token-file: cannot read " + tokenFile + ": " + e.getMessage());
            }
            if (token.isEmpty()) throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "--token-file: file " + tokenFile + " is empty");
        } else if (tokenFromEnv != null && !tokenFromEnv.isBlank()) {
            token = tokenFromEnv.strip();
        }
        return new AdminClient(base, token);
    }

    Answer get(String path) throws CliFailure {
        return send("GET", path, null);
    }

    Answer delete(String path) throws CliFailure {
        return send("DELETE", path, null);
    }

    Answer post(String path, Object body) throws CliFailure {
        try {
            return send("POST", path, JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliFailure(SipwakeCommand.EXIT_FAILURE, "cannot encode the request: " + e.getOriginalMessage());
        }
    }

    /**
     * POSTs and returns the answer whatever its status, for a command whose exit code follows the status. An
     * unreachable API, a refused token and an answer that is not JSON still throw.
     *
     * @param timeout how long to wait for the answer
     */
    Answer postForStatus(String path, Object body, Duration timeout) throws CliFailure {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliFailure(SipwakeCommand.EXIT_FAILURE, "cannot encode the request: " + e.getOriginalMessage());
        }
        Answer a = exchange("POST", path, json, timeout);
        if (a.status() == 401 || a.status() == 403) throw refused(a);
        return a;
    }

    private Answer send(String method, String path, String body) throws CliFailure {
        Answer a = exchange(method, path, body, Duration.ofSeconds(60));
        int status = a.status();
        if (status >= 200 && status < 300) return a;
        JsonNode json = a.json();
        String error = json != null && json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + status;
        switch (status) {
            case 401, 403 -> throw refused(a);
            case 404 -> throw new CliFailure(SipwakeCommand.EXIT_NOT_FOUND, error);
            case 422 -> throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, error); // a configuration the server refused
            case 400, 405, 413 -> throw new CliFailure(SipwakeCommand.EXIT_USAGE, error);
            default -> throw new CliFailure(SipwakeCommand.EXIT_FAILURE, error + " (HTTP " + status + ")");
        }
    }

    private CliFailure refused(Answer a) {
        String error = a.json() != null && a.json().hasNonNull("error") ? a.json().get("error").asText() : "HTTP " + a.status();
        return new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "the admin API refused the token (" + error + "): "
                + (token == null ? "give one with --token-file FILE or SIPWAKE_ADMIN_TOKEN" : "check --token-file or SIPWAKE_ADMIN_TOKEN"));
    }

    /** One request and its answer, any status; only transport failures and a non-JSON answer throw. */
    private Answer exchange(String method, String path, String body, Duration timeout) throws CliFailure {
        URI uri = URI.create(base + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new CliFailure(SipwakeCommand.EXIT_UNREACHABLE, "the admin API at " + base + " did not answer in time");
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(SipwakeCommand.EXIT_FAILURE, "interrupted");
        } catch (IllegalArgumentException e) {
            throw new CliFailure(SipwakeCommand.EXIT_BAD_CONFIG, "--admin: cannot use " + base + ": " + e.getMessage());
        }
        int status = response.statusCode();
        JsonNode json;
        try {
            json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliFailure(SipwakeCommand.EXIT_FAILURE, "the admin API at " + base + " answered " + status
                    + " with a body that is not JSON: is it a sipwake admin API?");
        }
        return new Answer(status, response.body(), json);
    }

    private CliFailure unreachable(Exception e) {
        String why = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) why = "connection refused";
        return new CliFailure(SipwakeCommand.EXIT_UNREACHABLE, "cannot reach the admin API at " + base + ": " + why
                + " (is sipwake running with admin.enabled: true? see --admin)");
    }
}
