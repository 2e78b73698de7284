package io.sipwake.push.fcm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake is only worth something if it refuses what Google refuses. */
class FakeFcmServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROJECT = "fake-test-1";

    @TempDir
    Path dir;

    FakeFcmServer fcm;
    TestServiceAccount account;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        fcm = FakeFcmServer.start();
        account = fcm.createServiceAccount(dir, PROJECT);
    }

    @AfterEach
    void stop() {
        fcm.close();
    }

    // ---- token endpoint ------------------------------------------------------------------------------------

    String jwt(PrivateKey key, String kid, ObjectNode claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", kid);
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "." + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(s.sign());
    }

    ObjectNode claims() {
        long now = Instant.now().getEpochSecond();
        return JSON.createObjectNode()
                .put("iss", account.clientEmail())
                .put("scope", FakeFcmServer.FCM_SCOPE)
                .put("aud", FakeFcmServer.GOOGLE_TOKEN_AUDIENCE)
                .put("iat", now)
                .put("exp", now + 3600);
    }

    HttpResponse<String> tokenRequest(String grantType, String assertion) throws Exception {
        String form = "grant_type=" + URLEncoder.encode(grantType, StandardCharsets.UTF_8)
                + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(fcm.tokenUri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> tokenRequest(ObjectNode claims) throws Exception {
        return tokenRequest(FakeFcmServer.JWT_BEARER, jwt(account.keyPair().getPrivate(), account.privateKeyId(), claims));
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void validAssertionGetsABearerToken() throws Exception {
        HttpResponse<String> r = tokenRequest(claims());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r).get("access_token").asText()).startsWith("ya29.");
        assertThat(body(r).get("expires_in").asLong()).isEqualTo(3600);
        assertThat(body(r).get("token_type").asText()).isEqualTo("Bearer");
    }

    @Test
    void foreignSignatureIsRefused() throws Exception {
        TestServiceAccount foreign = account.withForeignKey(dir, fcm.tokenUri());
        HttpResponse<String> r = tokenRequest(FakeFcmServer.JWT_BEARER,
                jwt(foreign.keyPair().getPrivate(), account.privateKeyId(), claims()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(body(r).get("error_description").asText()).isEqualTo("Invalid JWT Signature.");
    }

    @Test
    void audienceMustBeGooglesTokenEndpointEvenWhenTheTokenUriIsLocal() throws Exception {
        HttpResponse<String> r = tokenRequest(claims().put("aud", fcm.tokenUri().toString()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void staleOrLongLivedAssertionIsRefused() throws Exception {
        long now = Instant.now().getEpochSecond();
        assertThat(body(tokenRequest(claims().put("iat", now - 7200).put("exp", now - 3600))).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(body(tokenRequest(claims().put("exp", now + 7200))).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void unknownAccountIsRefused() throws Exception {
        HttpResponse<String> r = tokenRequest(claims().put("iss", "nobody@x.iam.gserviceaccount.com"));
        assertThat(body(r).get("error_description").asText()).isEqualTo("Invalid grant: account not found");
    }

    @Test
    void otherGrantTypesAreRefused() throws Exception {
        HttpResponse<String> r = tokenRequest("client_credentials", "x");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    // ---- messages:send -------------------------------------------------------------------------------------

    String accessToken() throws Exception {
        return body(tokenRequest(claims())).get("access_token").asText();
    }

    HttpResponse<String> send(String bearer, String project, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fcm.baseUri() + "/v1/projects/" + project + "/messages:send"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String message(String android, String data) {
        return "{\"message\":{\"token\":\"tok-123\",\"data\":" + data + ",\"android\":" + android + "}}";
    }

    static final String GOOD_ANDROID = "{\"priority\":\"high\",\"ttl\":\"30s\",\"collapse_key\":\"c1\",\"direct_boot_ok\":true}";
    static final String GOOD_DATA = "{\"type\":\"call\"}";

    @Test
    void validMessageIsAcceptedAndRecorded() throws Exception {
        HttpResponse<String> r = send(accessToken(), PROJECT, message(GOOD_ANDROID, GOOD_DATA));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r).get("name").asText()).startsWith("projects/" + PROJECT + "/messages/0:");
        assertThat(fcm.messages()).singleElement().satisfies(m -> {
            assertThat(m.token()).isEqualTo("tok-123");
            assertThat(m.ttl()).isEqualTo("30s");
            assertThat(m.data()).containsEntry("type", "call");
        });
    }

    @Test
    void missingOrUnknownBearerIsUnauthenticated() throws Exception {
        HttpResponse<String> none = send(null, PROJECT, message(GOOD_ANDROID, GOOD_DATA));
        HttpResponse<String> forged = send("ya29.forged", PROJECT, message(GOOD_ANDROID, GOOD_DATA));
        for (HttpResponse<String> r : java.util.List.of(none, forged)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(body(r).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(fcm.messages()).isEmpty();
    }

    @Test
    void anotherProjectIsPermissionDenied() throws Exception {
        HttpResponse<String> r = send(accessToken(), "not-mine", message(GOOD_ANDROID, GOOD_DATA));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(body(r).at("/error/status").asText()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void invalidV1JsonIsInvalidArgument() throws Exception {
        String token = accessToken();
        String[] bad = {
                message(GOOD_ANDROID, "{\"n\":1}"),                                         // data value not a string
                message(GOOD_ANDROID, "{\"from\":\"x\"}"),                                  // reserved key
                message(GOOD_ANDROID, "{\"google.x\":\"x\"}"),                              // reserved prefix
                message("{\"priority\":\"urgent\"}", GOOD_DATA),                             // priority
                message("{\"ttl\":\"30\"}", GOOD_DATA),                                      // ttl without s
                message("{\"ttl\":30}", GOOD_DATA),                                          // ttl not a string
                message("{\"ttl\":\"2419201s\"}", GOOD_DATA),                                // over 4 weeks
                message("{\"collapse_key\":7}", GOOD_DATA),                                  // collapse key not a string
                message("{\"direct_boot_ok\":\"yes\"}", GOOD_DATA),                          // not a boolean
                message("{\"time_to_live\":30}", GOOD_DATA),                                 // legacy field
                "{\"message\":{\"data\":{\"a\":\"b\"}}}",                                     // no target
                "{\"message\":{\"token\":\"t\",\"topic\":\"x\"}}",                           // two targets
                "{\"to\":\"tok\",\"data\":{\"a\":\"b\"}}",                                     // legacy API shape
                message(GOOD_ANDROID, "{\"big\":\"" + "x".repeat(4100) + "\"}"),             // too big
                "not json",
        };
        for (String json : bad) {
            HttpResponse<String> r = send(token, PROJECT, json);
            assertThat(r.statusCode()).as(json).isEqualTo(400);
            assertThat(body(r).at("/error/status").asText()).as(json).isEqualTo("INVALID_ARGUMENT");
        }
        assertThat(fcm.messages()).isEmpty();
        assertThat(fcm.sendAttempts()).hasSize(bad.length);
    }

    @Test
    void scriptedFaultsUseTheRealErrorShapeAndFailNextIsUsedOnce() throws Exception {
        fcm.failNext("tok-123", FcmFault.unregistered(), FcmFault.quotaExceeded(Duration.ofSeconds(3)));
        String token = accessToken();

        HttpResponse<String> first = send(token, PROJECT, message(GOOD_ANDROID, GOOD_DATA));
        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(body(first).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(body(first).at("/error/details/0/@type").asText()).isEqualTo("type.googleapis.com/google.firebase.fcm.v1.FcmError");
        assertThat(body(first).at("/error/details/0/errorCode").asText()).isEqualTo("UNREGISTERED");

        HttpResponse<String> second = send(token, PROJECT, message(GOOD_ANDROID, GOOD_DATA));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(body(second).at("/error/details/0/errorCode").asText()).isEqualTo("QUOTA_EXCEEDED");

        assertThat(send(token, PROJECT, message(GOOD_ANDROID, GOOD_DATA)).statusCode()).isEqualTo(200);
        assertThat(fcm.sendAttemptsTo("tok-123")).extracting(FakeFcmServer.SendAttempt::errorCode)
                .containsExactly("UNREGISTERED", "QUOTA_EXCEEDED", null);
    }
}
