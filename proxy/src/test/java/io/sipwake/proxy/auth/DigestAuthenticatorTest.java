package io.sipwake.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sipwake.proxy.auth.DigestAuthenticator.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private static final String REALM = "sipwake.example";
    private static final String URI = "sip:sipwake.example";
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Map<String, Integer> lookups = new ConcurrentHashMap<>();
    private final CredentialLookup users = (username, realm) -> {
        lookups.merge(username, 1, Integer::sum);
        return username.equals("alice") && realm.equals(REALM)
                ? Optional.of(new Credentials("alice", REALM, "wonderland"))
                : Optional.empty();
    };
    private final DigestAuthenticator auth = new DigestAuthenticator(REALM, users, SECRET, clock, LIFETIME);

    private String answer(String challenge, String username, String password, int nc) {
        return DigestClient.authorization(challenge, "REGISTER", URI, username, password, "c-nonce", nc);
    }

    private String sha256Challenge() {
        return auth.challenges(false).get(0);
    }

    @Test
    void challenges_offer_sha256_then_md5_each_with_a_fresh_nonce_and_qop_auth() {
        List<DigestChallenge> challenges = auth.challenges(false).stream().map(DigestChallenge::parse).toList();

        assertThat(challenges).extracting(DigestChallenge::algorithm).containsExactly("SHA-256", "MD5");
        assertThat(challenges).allSatisfy(c -> {
            assertThat(c.realm()).isEqualTo(REALM);
            assertThat(c.qop()).containsExactly("auth");
            assertThat(c.stale()).isFalse();
        });
        assertThat(challenges.get(0).nonce()).isNotEqualTo(challenges.get(1).nonce());
        assertThat(DigestChallenge.parse(sha256Challenge()).nonce()).isNotEqualTo(challenges.get(0).nonce());
        assertThat(auth.challenges(true)).allSatisfy(c -> assertThat(DigestChallenge.parse(c).stale()).isTrue());
    }

    @Test
    void round_trip_succeeds_for_every_offered_algorithm() {
        for (String challenge : auth.challenges(false)) {
            assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                    .isEqualTo(new Outcome.Authenticated("alice"));
        }
    }

    @Test
    void wrong_password_is_rejected() {
        assertThat(auth.verify("REGISTER", answer(sha256Challenge(), "alice", "looking-glass", 1)))
                .isEqualTo(new Outcome.Rejected("wrong response"));
    }

    @Test
    void digest_covers_the_method() {
        assertThat(auth.verify("INVITE", answer(sha256Challenge(), "alice", "wonderland", 1)))
                .isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void unknown_user_is_rejected_after_the_same_lookup_and_hashing() {
        assertThat(auth.verify("REGISTER", answer(sha256Challenge(), "mallory", "wonderland", 1)))
                .isEqualTo(new Outcome.Rejected("unknown user"));
        assertThat(lookups).containsEntry("mallory", 1);
    }

    @Test
    void tampered_nonce_is_rejected_without_a_user_lookup() {
        String nonce = DigestChallenge.parse(sha256Challenge()).nonce();
        char flipped = nonce.charAt(10) == 'A' ? 'B' : 'A';
        String tampered = nonce.substring(0, 10) + flipped + nonce.substring(11);
        String forged = "Digest realm=\"" + REALM + "\", nonce=\"" + tampered + "\", algorithm=SHA-256, qop=\"auth\"";

        assertThat(auth.verify("REGISTER", answer(forged, "alice", "wonderland", 1)))
                .isEqualTo(new Outcome.Rejected("invalid nonce"));
        assertThat(lookups).isEmpty();
    }

    @Test
    void garbled_or_foreign_nonces_are_rejected() {
        DigestAuthenticator otherSecret = new DigestAuthenticator(REALM, users,
                "another secret, 32 bytes long!!!".getBytes(StandardCharsets.US_ASCII), clock, LIFETIME);
        DigestAuthenticator otherRealm = new DigestAuthenticator("elsewhere.example", users, SECRET, clock, LIFETIME);
        String otherRealmNonce = DigestChallenge.parse(otherRealm.challenges(false).get(0)).nonce();
        List<String> nonces = List.of(
                DigestChallenge.parse(otherSecret.challenges(false).get(0)).nonce(),
                otherRealmNonce,
                "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "!".repeat(64),
                "");

        for (String nonce : nonces) {
            String challenge = "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=SHA-256, qop=auth";
            assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                    .as(nonce).isEqualTo(new Outcome.Rejected("invalid nonce"));
        }
    }

    @Test
    void expired_nonce_with_the_right_password_is_stale() {
        String challenge = sha256Challenge();
        clock.advance(LIFETIME.minusMillis(1));
        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                .isInstanceOf(Outcome.Authenticated.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 2)))
                .isEqualTo(new Outcome.Stale());
    }

    @Test
    void expired_nonce_with_a_wrong_password_is_rejected_not_stale() {
        String challenge = sha256Challenge();
        clock.advance(LIFETIME.multipliedBy(2));

        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "guess", 1)))
                .isEqualTo(new Outcome.Rejected("wrong response"));
    }

    @Test
    void replayed_nonce_count_is_stale_and_increasing_counts_pass() {
        String challenge = sha256Challenge();
        String first = answer(challenge, "alice", "wonderland", 1);

        assertThat(auth.verify("REGISTER", first)).isInstanceOf(Outcome.Authenticated.class);
        assertThat(auth.verify("REGISTER", first)).isEqualTo(new Outcome.Stale());
        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 3)))
                .isInstanceOf(Outcome.Authenticated.class);
        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 2)))
                .isEqualTo(new Outcome.Stale());
    }

    @Test
    void a_wrong_response_does_not_burn_the_nonce_count() {
        String challenge = sha256Challenge();
        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "guess", 1))).isInstanceOf(Outcome.Rejected.class);

        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                .isInstanceOf(Outcome.Authenticated.class);
    }

    @Test
    void concurrent_replays_of_one_header_authenticate_exactly_once() throws Exception {
        String header = answer(sha256Challenge(), "alice", "wonderland", 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> auth.verify("REGISTER", header)));
            }
            int authenticated = 0;
            for (Future<Outcome> f : results) {
                authenticated += f.get() instanceof Outcome.Authenticated ? 1 : 0;
            }
            assertThat(authenticated).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rfc2069_clients_without_qop_are_accepted() {
        String nonce = DigestChallenge.parse(sha256Challenge()).nonce();
        String legacy = "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\"";

        String header = answer(legacy, "alice", "wonderland", 1);

        assertThat(DigestResponse.parse(header).qop()).isNull();
        assertThat(auth.verify("REGISTER", header)).isEqualTo(new Outcome.Authenticated("alice"));
    }

    @Test
    void response_hex_is_compared_case_insensitively() {
        String header = answer(sha256Challenge(), "alice", "wonderland", 1);
        String response = DigestResponse.parse(header).response();

        assertThat(auth.verify("REGISTER", header.replace(response, response.toUpperCase())))
                .isInstanceOf(Outcome.Authenticated.class);
    }

    @Test
    void realm_must_be_ours() {
        String nonce = DigestChallenge.parse(sha256Challenge()).nonce();
        String challenge = "Digest realm=\"other.example\", nonce=\"" + nonce + "\", algorithm=SHA-256, qop=auth";

        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                .isEqualTo(new Outcome.Rejected("realm mismatch"));
    }

    @Test
    void only_offered_algorithms_are_accepted() {
        String nonce = DigestChallenge.parse(sha256Challenge()).nonce();
        String challenge = "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=SHA-512-256, qop=auth";

        assertThat(auth.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                .isEqualTo(new Outcome.Rejected("algorithm not offered: SHA-512-256"));
        assertThat(auth.verify("REGISTER", answer(sha256Challenge(), "alice", "wonderland", 1)
                .replace("algorithm=SHA-256", "algorithm=MD4")))
                .isEqualTo(new Outcome.Rejected("algorithm not offered: MD4"));
    }

    @Test
    void sess_and_sha512_256_variants_work_when_configured() {
        List<DigestAlgorithm> all = List.of(DigestAlgorithm.values());
        DigestAuthenticator everything = new DigestAuthenticator(REALM, users, SECRET, clock, LIFETIME, all, 1000);

        List<String> challenges = everything.challenges(false);

        assertThat(challenges).hasSize(all.size());
        for (String challenge : challenges) {
            assertThat(everything.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                    .as(challenge).isEqualTo(new Outcome.Authenticated("alice"));
        }
    }

    @Test
    void auth_int_is_verified_against_the_body() {
        byte[] body = "<pidf/>".getBytes(StandardCharsets.UTF_8);
        String nonce = DigestChallenge.parse(sha256Challenge()).nonce();
        String response = DigestAlgorithm.SHA_256.response("alice", REALM, "wonderland", "PUBLISH", URI, nonce,
                "auth-int", "00000001", "c", body);
        String header = "Digest username=\"alice\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + URI
                + "\", algorithm=SHA-256, qop=auth-int, nc=00000001, cnonce=\"c\", response=\"" + response + "\"";

        assertThat(auth.verify("PUBLISH", header)).isEqualTo(new Outcome.Rejected("qop=auth-int needs the request body"));
        assertThat(auth.verify("PUBLISH", header, "<other/>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Outcome.Rejected.class);
        assertThat(auth.verify("PUBLISH", header, body)).isEqualTo(new Outcome.Authenticated("alice"));
    }

    @Test
    void malformed_or_unsupported_credentials_are_rejected() {
        String good = answer(sha256Challenge(), "alice", "wonderland", 1);

        assertThat(auth.verify("REGISTER", "Basic YWxpY2U6d29uZGVybGFuZA==")).isInstanceOf(Outcome.Rejected.class);
        assertThat(auth.verify("REGISTER", null)).isInstanceOf(Outcome.Rejected.class);
        assertThat(auth.verify("REGISTER", good.replace("nc=00000001", "nc=1")))
                .isEqualTo(new Outcome.Rejected("missing or malformed nc"));
        assertThat(auth.verify("REGISTER", good.replace("nc=00000001", "nc=00000000")))
                .isEqualTo(new Outcome.Rejected("nc must start at 1"));
        assertThat(auth.verify("REGISTER", good.replace("cnonce=\"c-nonce\"", "cnonce=\"\"")))
                .isEqualTo(new Outcome.Rejected("missing cnonce"));
        assertThat(auth.verify("REGISTER", good.replace("qop=auth", "qop=auth-conf")))
                .isEqualTo(new Outcome.Rejected("unsupported qop: auth-conf"));
        assertThat(auth.verify("REGISTER", good + ", userhash=true"))
                .isEqualTo(new Outcome.Rejected("userhash not supported"));
    }

    @Test
    void constructor_validates_its_configuration() {
        assertThatIllegalArgumentException().isThrownBy(
                () -> new DigestAuthenticator(REALM, users, new byte[15], clock, LIFETIME));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new DigestAuthenticator(REALM, users, SECRET, clock, Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new DigestAuthenticator(REALM, users, SECRET, clock, LIFETIME, List.of(), 10));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new DigestAuthenticator(REALM, users, SECRET, clock, LIFETIME, List.of(DigestAlgorithm.MD5), 0));
    }

    @Test
    void the_secret_is_copied() {
        byte[] secret = SECRET.clone();
        DigestAuthenticator a = new DigestAuthenticator(REALM, users, secret, clock, LIFETIME);
        String challenge = a.challenges(false).get(0);
        secret[0] ^= 1;

        assertThat(a.verify("REGISTER", answer(challenge, "alice", "wonderland", 1)))
                .isInstanceOf(Outcome.Authenticated.class);
    }

    @Test
    void credentials_never_print_the_password() {
        assertThat(new Credentials("alice", REALM, "wonderland").toString()).doesNotContain("wonderland");
    }
}
