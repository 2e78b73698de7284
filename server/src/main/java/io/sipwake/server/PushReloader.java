package io.sipwake.server;

import io.sipwake.proxy.push.PushDispatcher;
import io.sipwake.push.PushSender;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.ConfigLoader;
import io.sipwake.server.config.SipwakeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New push credentials without a restart (a new APNs key, another Firebase project, a rotated service account):
 * {@link #reload} reads the config file again, validates all of it, builds new senders from its {@code push}
 * section and swaps them into the {@link PushDispatcher} (pushes in flight finish on the old senders, which are
 * then closed). A file that does not validate, or senders that cannot be built, are refused with the key named,
 * and the running senders keep sending. Reached by {@code POST /api/v1/reload}, {@code sipwake reload} and SIGHUP.
 *
 * <p>Only the senders change: the other push settings (timeouts, cancel pushes), and which push services there
 * are at all (what phones were told in Feature-Caps), take a restart; a reload reports them as such.
 */
public final class PushReloader {
    private static final Logger log = LoggerFactory.getLogger(PushReloader.class);

    /**
     * What a reload did.
     *
     * @param reloaded    whether new senders now send the pushes (false: the credentials had not changed)
     * @param changed     each credential that changed, as {@code key: before -> after}
     * @param needRestart push settings that changed in the file but apply only at the next start
     */
    public record Outcome(boolean reloaded, List<String> changed, List<String> needRestart) {}

    private final Path configFile;
    private final Map<String, String> environment;
    private final PushDispatcher dispatcher;
    private SipwakeConfig.Push running;
    private Map<String, String> runningCredentials;
    /** The fingerprint of the VAPID key the running senders sign with, taken when they were built; null without WebPush. */
    private final String runningVapid;

    /** @param running the push section the running senders were built from */
    public PushReloader(Path configFile, Map<String, String> environment, SipwakeConfig.Push running, PushDispatcher dispatcher) {
        this.configFile = Objects.requireNonNull(configFile, "configFile");
        this.environment = Map.copyOf(environment);
        this.dispatcher = dispatcher;
        this.running = running;
        this.runningCredentials = credentials(running);
        this.runningVapid = vapidFingerprint(running);
    }

    public Path configFile() {
        return configFile;
    }

    /**
     * Reads the config file and, when the push credentials changed, puts new senders in place.
     *
     * @throws ConfigException when the file is invalid or the new senders cannot be built (the message names the
     *                         key), or the new file adds or removes a push service; the running senders stay
     */
    public synchronized Outcome reload() {
        SipwakeConfig.Push next;
        try {
            next = ConfigLoader.load(configFile, environment).push();
        } catch (ConfigException e) {
            log.warn("reload refused, the running push senders stay: {}", e.getMessage());
            throw e;
        }
        String vapidAfter = vapidFingerprint(next);
        if (runningVapid != null && vapidAfter != null && !runningVapid.equals(vapidAfter)) {
            // phones were told the VAPID key in Feature-Caps (+sip.vapid) and may have restricted their subscriptions to it
            ConfigException refused = new ConfigException(configFile + ": push.webpush.vapid-private-key: a new VAPID key takes a restart"
                    + " (phones learn it from their next REGISTER's +sip.vapid)");
            log.warn("reload refused, the running push senders stay: {}", refused.getMessage());
            throw refused;
        }
        Map<String, String> nextCredentials = credentials(next);
        List<String> changed = differences(runningCredentials, nextCredentials);
        List<String> needRestart = restartOnly(running, next);
        if (changed.isEmpty()) {
            log.info("reload of {}: push credentials unchanged{}", configFile, needRestart.isEmpty() ? "" : "; needs a restart: " + needRestart);
            return new Outcome(false, List.of(), needRestart);
        }
        List<PushSender> senders;
        try {
            senders = SipwakeServer.pushSenders(next);
        } catch (ConfigException e) {
            log.warn("reload refused, the running push senders stay: {}", e.getMessage());
            throw new ConfigException(configFile + ": " + e.getMessage(), e);
        }
        try {
            dispatcher.replace(senders);
        } catch (IllegalArgumentException e) {
            senders.forEach(PushSender::close);
            ConfigException refused = new ConfigException(configFile + ": push: adding or removing a push service takes a restart ("
                    + e.getMessage() + ")", e);
            log.warn("reload refused, the running push senders stay: {}", refused.getMessage());
            throw refused;
        }
        running = next;
        runningCredentials = nextCredentials;
        log.info("push credentials reloaded from {}: {}{}", configFile, String.join("; ", changed),
                needRestart.isEmpty() ? "" : "; needs a restart: " + String.join("; ", needRestart));
        return new Outcome(true, changed, needRestart);
    }

    /** Each credential by its key path, described so that a changed key file shows even under the same name. */
    private static Map<String, String> credentials(SipwakeConfig.Push push) {
        Map<String, String> c = new LinkedHashMap<>();
        if (push.apns() != null) {
            for (int i = 0; i < push.apns().teams().size(); i++) {
                SipwakeConfig.ApnsTeam t = push.apns().teams().get(i);
                c.put("push.apns.teams[" + i + "]", "team " + t.teamId() + ", key " + t.keyId() + " (" + fingerprint(t.signingKey())
                        + "), bundles " + t.bundleIds());
            }
            c.put("push.apns.production-endpoint", endpoint(push.apns().productionEndpoint()));
            c.put("push.apns.sandbox-endpoint", endpoint(push.apns().sandboxEndpoint()));
        }
        if (push.fcm() != null) {
            for (int i = 0; i < push.fcm().projects().size(); i++) {
                SipwakeConfig.FcmProject p = push.fcm().projects().get(i);
                c.put("push.fcm.projects[" + i + "]", "project " + p.projectId() + ", service account " + p.serviceAccount() + " ("
                        + fingerprint(p.serviceAccount()) + "), sender ids " + p.senderIds());
            }
            c.put("push.fcm.api-url", push.fcm().apiUrl() == null ? "the real one" : push.fcm().apiUrl());
        }
        if (push.http().enabled()) c.put("push.http", "allow-hosts " + push.http().allowHosts() + ", timeout " + shown(push.http().timeout()));
        if (push.webpush() != null) {
            c.put("push.webpush", "subject " + push.webpush().subject() + ", allow-hosts " + push.webpush().allowHosts() + ", timeout "
                    + shown(push.webpush().timeout()));
        }
        return c;
    }

    private static String vapidFingerprint(SipwakeConfig.Push push) {
        return push.webpush() == null ? null : fingerprint(push.webpush().vapidPrivateKey());
    }

    private static String endpoint(SipwakeConfig.Endpoint e) {
        return e == null ? "the real one" : e.host() + ":" + e.port() + (e.trust() == null ? "" : " trusting " + fingerprint(e.trust()));
    }

    /** The start of the file's SHA-256: enough to tell a replaced key from the same one, and no secret. */
    private static String fingerprint(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return "sha256 " + HexFormat.of().formatHex(digest, 0, 6);
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> differences(Map<String, String> before, Map<String, String> after) {
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (String key : keys) {
            String b = before.get(key);
            String a = after.get(key);
            if (Objects.equals(b, a)) continue;
            changes.add(key + ": " + (b == null ? "added " + a : a == null ? "removed (was " + b + ")" : b + " -> " + a));
        }
        return changes;
    }

    private static List<String> restartOnly(SipwakeConfig.Push before, SipwakeConfig.Push after) {
        List<String> keys = new ArrayList<>();
        compare(keys, "push.call-timeout", before.callTimeout(), after.callTimeout());
        compare(keys, "push.message-timeout", before.messageTimeout(), after.messageTimeout());
        compare(keys, "push.min-expires", before.minExpires(), after.minExpires());
        compare(keys, "push.cancel-push", before.cancelPush(), after.cancelPush());
        compare(keys, "push.missed-call-push", before.missedCallPush(), after.missedCallPush());
        compare(keys, "push.late-invite-cancel", before.lateInviteCancel(), after.lateInviteCancel());
        compare(keys, "push.refresh-push-before", before.refreshPushBefore(), after.refreshPushBefore());
        return keys;
    }

    private static void compare(List<String> keys, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) keys.add(key + " (" + shown(before) + " -> " + shown(after) + ")");
    }

    /** As the config file writes it: {@code 30s}, {@code 500ms}. */
    private static String shown(Object value) {
        if (value instanceof java.time.Duration d) return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        return String.valueOf(value);
    }
}
