package io.sipwake.proxy.routing;

import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.Via;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Loop detection of RFC 3261 §16.3 step 4 and §16.6 step 8: our branch parameter starts with a
 * hash of the fields that decide routing, so a request that comes back to us with an own Via
 * carrying the same hash has looped (482), while a spiral (changed Request-URI) has not.
 */
public final class LoopDetection {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LoopDetection() {}

    /** The branch for a request we forward: magic cookie, loop hash, '.', random part. */
    public static String branch(SipRequest received) {
        byte[] random = new byte[9];
        RANDOM.nextBytes(random);
        return Via.MAGIC_COOKIE + loopHash(received) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** A random branch for requests not derived from a received one (CANCEL, stateless ACK). */
    public static String randomBranch() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return Via.MAGIC_COOKIE + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** True when one of our own Vias in {@code received} carries the loop hash the request has now. */
    public static boolean isLoop(SipRequest received, LocalAddresses local) {
        List<Via> vias = received.vias();
        String prefix = null;
        for (Via via : vias) {
            if (!local.isLocal(via)) continue;
            if (prefix == null) prefix = Via.MAGIC_COOKIE + loopHash(received) + ".";
            String b = via.branch();
            if (b != null && b.startsWith(prefix)) return true;
        }
        return false;
    }

    static String loopHash(SipRequest r) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            update(md, r.requestUri().toString());
            update(md, r.to().tag());
            update(md, r.from().tag());
            update(md, r.callId());
            update(md, Long.toString(r.cseq().number()));
            update(md, r.header(HeaderNames.PROXY_REQUIRE));
            update(md, r.header(HeaderNames.PROXY_AUTHORIZATION));
            List<String> routes = r.headerValues(HeaderNames.ROUTE);
            update(md, routes.isEmpty() ? null : routes.get(0));
            byte[] digest = md.digest();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest md, String s) {
        if (s != null) md.update(s.getBytes(StandardCharsets.ISO_8859_1));
        md.update((byte) 0);
    }
}
