package io.sipwake.push.apns;

import io.sipwake.push.PushKind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The RFC 8599 APNs parameters of one binding, parsed: which app ({@code pn-param}) and which device token
 * ({@code pn-prid}) a push goes to. Pure functions, no configuration.
 *
 * <p>Forms accepted:
 * <ul>
 *   <li>{@code pn-param}: {@code <TeamID>.<bundle id>} (RFC 8599), optionally followed by Linphone's service list
 *       {@code .voip}, {@code .remote}, {@code .voip&remote} or {@code .remote&voip}. The list is stripped to get
 *       the bare bundle id.</li>
 *   <li>{@code pn-prid}: {@code <token>}, {@code <token>:voip}, {@code <token>:remote}, or Linphone's
 *       {@code <token>:voip&<token>:remote} (each token labelled when there are several).</li>
 * </ul>
 * An unlabelled single token takes the label of the single service in pn-param, if pn-param names exactly one.
 */
final class ApnsTarget {

    /** What an APNs device token was issued for on the phone. */
    enum Service {
        /** A PushKit token: VoIP pushes, topic {@code <bundle>.voip}. */
        VOIP,
        /** A regular remote-notification token: alert/background pushes, bare bundle topic. */
        REMOTE,
        /** Not said; used as the caller passed it. */
        UNKNOWN
    }

    record Token(String value, Service service) {}

    /** pn-param split into its parts. {@code teamId} is null when pn-param has no dot. */
    record Param(String teamId, String bundleId, String withoutServices, Set<Service> services) {}

    /** The token chosen for a push kind, and whether the push must be a VoIP one. */
    record Choice(Token token, boolean voip) {}

    private static final Pattern SERVICES = Pattern.compile("(?i)(voip|remote)(&(voip|remote))*");

    private ApnsTarget() {}

    /** Whether the last dot-separated label of {@code s} is a service list such as {@code voip} or {@code voip&remote}. */
    static boolean hasServiceSuffix(String s) {
        int dot = s.lastIndexOf('.');
        return dot >= 0 && SERVICES.matcher(s.substring(dot + 1)).matches();
    }

    /** Parses pn-param; throws {@link IllegalArgumentException} saying what is wrong. */
    static Param parseParam(String param) {
        if (param == null || param.isBlank()) throw new IllegalArgumentException("pn-param is missing");
        String p = param.trim();
        Set<Service> services = EnumSet.noneOf(Service.class);
        if (hasServiceSuffix(p)) {
            int dot = p.lastIndexOf('.');
            for (String s : p.substring(dot + 1).split("&")) {
                services.add(Service.valueOf(s.toUpperCase(Locale.ROOT)));
            }
            p = p.substring(0, dot);
        }
        if (p.isEmpty() || p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
            throw new IllegalArgumentException("pn-param '" + param + "' is not <TeamID>.<bundle id>");
        }
        int dot = p.indexOf('.');
        if (dot < 0) return new Param(null, p, p, services);
        return new Param(p.substring(0, dot), p.substring(dot + 1), p, services);
    }

    /** Parses pn-prid; throws {@link IllegalArgumentException} saying what is wrong (never showing a token). */
    static List<Token> parsePrid(String prid, Set<Service> paramServices) {
        if (prid == null || prid.isBlank()) throw new IllegalArgumentException("pn-prid is missing");
        String[] parts = prid.trim().split("&", -1);
        List<Token> tokens = new ArrayList<>(parts.length);
        for (String part : parts) {
            String token = part.trim();
            Service service = Service.UNKNOWN;
            int colon = token.lastIndexOf(':');
            if (colon >= 0) {
                String label = token.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                if (label.equals("voip")) service = Service.VOIP;
                else if (label.equals("remote")) service = Service.REMOTE;
                else throw new IllegalArgumentException("pn-prid has an unknown token label '" + label + "' (want voip or remote)");
                token = token.substring(0, colon).trim();
            }
            if (token.isEmpty() || token.indexOf(':') >= 0 || token.indexOf('/') >= 0) {
                throw new IllegalArgumentException("pn-prid has an empty or malformed token");
            }
            tokens.add(new Token(token, service));
        }
        if (tokens.size() == 1 && tokens.get(0).service() == Service.UNKNOWN && paramServices.size() == 1) {
            tokens.set(0, new Token(tokens.get(0).value(), paramServices.iterator().next()));
        }
        if (tokens.size() > 1 && tokens.stream().anyMatch(t -> t.service() == Service.UNKNOWN)) {
            throw new IllegalArgumentException("pn-prid has several tokens, so each needs a :voip or :remote label");
        }
        return tokens;
    }

    /**
     * Picks the token for a push kind. A call goes to the PushKit token as a VoIP push; failing that, to an
     * unlabelled token as a VoIP push (the RFC 8599 form, where pn-param names the VoIP app); failing that, to a
     * remote token as an alert push (apps without PushKit). Every other kind goes to a remote or unlabelled token
     * and never as VoIP; returns null when the binding only has a PushKit token, which may only announce calls.
     */
    static Choice choose(List<Token> tokens, PushKind kind) {
        Token voip = find(tokens, Service.VOIP);
        Token remote = find(tokens, Service.REMOTE);
        Token unknown = find(tokens, Service.UNKNOWN);
        if (kind == PushKind.CALL) {
            if (voip != null) return new Choice(voip, true);
            if (unknown != null) return new Choice(unknown, true);
            return new Choice(remote, false);
        }
        if (remote != null) return new Choice(remote, false);
        if (unknown != null) return new Choice(unknown, false);
        return null;
    }

    private static Token find(List<Token> tokens, Service service) {
        for (Token t : tokens) if (t.service() == service) return t;
        return null;
    }
}
