package io.sipwake.proxy.push;

import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * RFC 8599 §5.6.1: what a REGISTER carrying push parameters gets from sipwake acting as push proxy
 * and registrar at once (standalone mode, so no other proxy towards the registrar can support a
 * provider sipwake lacks: 555 is allowed).
 *
 * <ul>
 *   <li>pn-provider and pn-prid (§5.6.1.1): an unsupported provider gets 555; an expiry too short to
 *       be refreshed by push gets 423 with Min-Expires; otherwise the binding is stored and the 2xx
 *       carries {@code Feature-Caps: *;+sip.pns="<provider>"} with {@code +sip.pnspurr} and, when the
 *       phone sent the {@code +sip.pnsreg} media feature tag, {@code +sip.pnsreg} (§4.1.4, §5.6.1.1).
 *   <li>pn-provider without pn-prid (§5.6.1.2, the query): answered with the supported providers, one
 *       Feature-Caps each (or 555 for an unsupported one); no binding is created.
 *   <li>A REGISTER that already carries Feature-Caps with sip.pns was handled by a push proxy nearer to
 *       the phone: sipwake registers it normally and does not push for it.
 *   <li>Malformed push parameters get 400 naming the problem.
 * </ul>
 */
public final class RegisterPushRules {
    private final Set<String> supportedProviders;
    private final long minExpiresSeconds;
    private final long pnsregSeconds;
    private final java.util.Map<String, String> vapidKeys;

    /**
     * @param supportedProviders pn-provider values sipwake can push to (lower case), e.g. apns, fcm
     * @param minExpiresSeconds  shortest registration kept for push: the phone must be reachable by
     *                           push until it refreshes (§5.6.1.1 "too short")
     * @param pnsregSeconds      value of +sip.pnsreg (must exceed 120, §5.6.1.1)
     */
    public RegisterPushRules(Set<String> supportedProviders, long minExpiresSeconds, long pnsregSeconds) {
        this(supportedProviders, minExpiresSeconds, pnsregSeconds, java.util.Map.of());
    }

    /**
     * @param vapidKeys the VAPID public key (RFC 8292) sipwake signs its pushes with, by provider ({@code webpush}):
     *                  a 2xx that indicates support of that provider carries it as {@code +sip.vapid} (§5.6.1.1)
     */
    public RegisterPushRules(Set<String> supportedProviders, long minExpiresSeconds, long pnsregSeconds,
            java.util.Map<String, String> vapidKeys) {
        this.vapidKeys = java.util.Map.copyOf(vapidKeys);
        if (pnsregSeconds <= 120) throw new IllegalArgumentException("sip.pnsreg must be bigger than 120 (RFC 8599 §5.6.1.1): " + pnsregSeconds);
        Set<String> lower = new java.util.LinkedHashSet<>();
        for (String p : supportedProviders) lower.add(p.toLowerCase(Locale.ROOT));
        this.supportedProviders = Set.copyOf(lower);
        this.minExpiresSeconds = minExpiresSeconds;
        this.pnsregSeconds = pnsregSeconds;
    }

    public Set<String> supportedProviders() {
        return supportedProviders;
    }

    /** What to do with a REGISTER. */
    public sealed interface Outcome {
        /** No push parameters, or push handled by another proxy: a normal registration. */
        record NotPush() implements Outcome {}

        /** Answer at once with this status, no binding change. {@code minExpires} is set for 423. */
        record Refuse(int status, String reason, Long minExpires, List<String> featureCaps) implements Outcome {}

        /**
         * §5.6.1.2: a query; answer 200 with the bindings as they are and these Feature-Caps values (with
         * {@code +sip.vapid} where it applies); a proxy forwarding the query adds {@code requestFeatureCaps} instead.
         */
        record Query(List<String> featureCaps, List<String> requestFeatureCaps) implements Outcome {}

        /** Register; {@code withPnsreg} when the phone asked for non-push refreshes (the +sip.pnsreg tag). */
        record Register(List<PushParameters> devices, boolean withPnsreg) implements Outcome {}
    }

    /**
     * Examines the Contacts of a REGISTER.
     *
     * @param expiresOf the expiry the registrar would grant a Contact, in seconds
     */
    public Outcome examine(SipRequest request, List<NameAddress> contacts, ToLongFunction<NameAddress> expiresOf) {
        // As the registrar itself, sipwake knows no proxy further on supports a provider it lacks: 555 is allowed.
        return examineAsProxy(request, contacts, expiresOf, true);
    }

    private Outcome query(PushParameterParser.Query query) {
        if (query.provider().isEmpty()) { // empty pn-provider: every one we support
            return new Outcome.Query(supportedProviders.stream().map(this::responseCaps).toList(), allProviders());
        }
        String provider = query.provider().get().toLowerCase(Locale.ROOT);
        if (!supportedProviders.contains(provider)) return new Outcome.Refuse(555, null, null, allProviders());
        return new Outcome.Query(List.of(responseCaps(provider)), List.of(FeatureCaps.pns(provider).toString()));
    }

    /** The Feature-Caps of a 2xx for {@code provider}: {@code +sip.pns}, and {@code +sip.vapid} with sipwake's key (§5.6.1). */
    private String responseCaps(String provider) {
        FeatureCaps caps = FeatureCaps.pns(provider);
        String vapid = vapidKeys.get(provider);
        return (vapid == null ? caps : caps.withVapid(vapid)).toString();
    }

    private List<String> allProviders() {
        List<String> caps = new ArrayList<>();
        for (String p : supportedProviders) caps.add(FeatureCaps.pns(p).toString());
        return caps;
    }

    /** The Feature-Caps value for a stored push binding's 2xx. */
    public String featureCapsFor(String provider, String purr, boolean withPnsreg) {
        FeatureCaps caps = FeatureCaps.pns(provider).withPurr(purr);
        String vapid = vapidKeys.get(provider);
        if (vapid != null) caps = caps.withVapid(vapid);
        if (withPnsreg) caps = caps.withPnsreg(pnsregSeconds);
        return caps.toString();
    }

    /**
     * What a REGISTER gets from sipwake as the push proxy in front of another registrar (edge mode, §5.6.1):
     * unlike {@link #examine}, another proxy or the registrar further on may support a provider sipwake lacks,
     * so an unsupported provider is forwarded untouched ({@link Outcome.NotPush}) unless {@code rejectUnsupported}
     * says local configuration knows none does (then 555, §5.6.1.1 and §5.6.1.2). A supported query is
     * forwarded with the Feature-Caps to add ({@link Outcome.Query}); a push registration is forwarded with
     * Feature-Caps for its providers ({@link Outcome.Register}).
     */
    public Outcome examineAsProxy(SipRequest request, List<NameAddress> contacts, ToLongFunction<NameAddress> expiresOf,
            boolean rejectUnsupported) {
        if (FeatureCaps.anyAdvertisesPns(request.headerValues(HeaderNames.FEATURE_CAPS))) {
            return new Outcome.NotPush(); // §5.6.1.1: a proxy between us and the phone does the pushing
        }
        List<PushParameters> devices = new ArrayList<>();
        boolean pnsreg = false;
        for (NameAddress contact : contacts) {
            PushParameterParser.Result result = PushParameterParser.parse(contact);
            if (result instanceof PushParameterParser.Invalid invalid) {
                return new Outcome.Refuse(400, "Bad Request (" + invalid.reason() + ")", null, List.of());
            }
            if (result instanceof PushParameterParser.Query query) {
                Outcome answer = query(query);
                if (answer instanceof Outcome.Refuse) return rejectUnsupported ? answer : new Outcome.NotPush();
                return answer;
            }
            if (result instanceof PushParameterParser.Push push) {
                PushParameters p = push.parameters();
                if (!supportedProviders.contains(p.provider())) {
                    return rejectUnsupported ? new Outcome.Refuse(555, null, null, allProviders()) : new Outcome.NotPush();
                }
                long expires = expiresOf.applyAsLong(contact);
                if (expires > 0 && expires < minExpiresSeconds) {
                    return new Outcome.Refuse(423, null, minExpiresSeconds, List.of());
                }
                devices.add(p);
                if (contact.params().has("+sip.pnsreg")) pnsreg = true;
            }
        }
        return devices.isEmpty() ? new Outcome.NotPush() : new Outcome.Register(devices, pnsreg);
    }

    /** The Feature-Caps a forwarded push REGISTER carries (§5.6.1.1): one {@code *;+sip.pns} per provider. */
    public static List<String> requestFeatureCaps(List<PushParameters> devices) {
        java.util.Set<String> providers = new java.util.LinkedHashSet<>();
        for (PushParameters p : devices) providers.add(p.provider());
        List<String> caps = new ArrayList<>();
        for (String p : providers) caps.add(FeatureCaps.pns(p).toString());
        return caps;
    }

    /** The value of {@code +sip.pnsreg} sipwake puts in a 2xx. */
    public long pnsregSeconds() {
        return pnsregSeconds;
    }

    /** The shortest registration kept for push, in seconds. */
    public long minExpiresSeconds() {
        return minExpiresSeconds;
    }
}
