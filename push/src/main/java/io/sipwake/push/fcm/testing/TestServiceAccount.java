package io.sipwake.push.fcm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Google service account made up for tests: an RSA 2048 key pair and the JSON key file Google would hand out
 * for it ({@code type}, {@code project_id}, {@code private_key_id}, PKCS#8 PEM {@code private_key},
 * {@code client_email}, {@code client_id}, {@code token_uri} …), written to a directory (use {@code @TempDir}).
 * The {@code token_uri} points at a {@link FakeFcmServer}, which verifies the account's JWTs with
 * {@link #publicKey()}.
 */
public final class TestServiceAccount {

    private final String projectId;
    private final String clientEmail;
    private final String privateKeyId;
    private final KeyPair keyPair;
    private final RSAPublicKey trustedKey;
    private final Path jsonFile;

    private TestServiceAccount(String projectId, String clientEmail, String privateKeyId, KeyPair keyPair,
                               RSAPublicKey trustedKey, Path jsonFile) {
        this.projectId = projectId;
        this.clientEmail = clientEmail;
        this.privateKeyId = privateKeyId;
        this.keyPair = keyPair;
        this.trustedKey = trustedKey;
        this.jsonFile = jsonFile;
    }

    /**
     * A new account of {@code projectId} ({@code firebase-adminsdk-xxxxx@<project>.iam.gserviceaccount.com})
     * whose key file, {@code <dir>/<project>-<random>.json}, sends token requests to {@code tokenUri}.
     */
    public static TestServiceAccount create(Path dir, String projectId, URI tokenUri) {
        String suffix = HexFormat.of().formatHex(randomBytes(3)).substring(0, 5);
        String email = "firebase-adminsdk-" + suffix + "@" + projectId + ".iam.gserviceaccount.com";
        KeyPair pair = newKeyPair();
        String keyId = HexFormat.of().formatHex(randomBytes(20));
        Path file = dir.resolve(projectId + "-" + suffix + ".json");
        write(file, projectId, email, keyId, pair, tokenUri);
        return new TestServiceAccount(projectId, email, keyId, pair, (RSAPublicKey) pair.getPublic(), file);
    }

    /**
     * The same account (email, key id) with a key file that holds a different private key: the JWT it signs
     * fails the fake's signature check, as after the key was rotated or deleted in the console.
     */
    public TestServiceAccount withForeignKey(Path dir, URI tokenUri) {
        KeyPair other = newKeyPair();
        Path file = dir.resolve(jsonFile.getFileName().toString().replace(".json", "-foreign.json"));
        write(file, projectId, clientEmail, privateKeyId, other, tokenUri);
        return new TestServiceAccount(projectId, clientEmail, privateKeyId, other, trustedKey, file);
    }

    public String projectId() {
        return projectId;
    }

    public String clientEmail() {
        return clientEmail;
    }

    public String privateKeyId() {
        return privateKeyId;
    }

    /** The key the fake should trust for this account (the original one, also for {@link #withForeignKey}). */
    public RSAPublicKey publicKey() {
        return trustedKey;
    }

    /** The JSON key file, as FcmSettings.Project wants it. */
    public Path jsonFile() {
        return jsonFile;
    }

    KeyPair keyPair() {
        return keyPair;
    }

    private static void write(Path file, String projectId, String email, String keyId, KeyPair pair, URI tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("type", "service_account");
        json.put("project_id", projectId);
        json.put("private_key_id", keyId);
        json.put("private_key", pem);
        json.put("client_email", email);
        json.put("client_id", Long.toString(100_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999_999_999L)));
        json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        json.put("token_uri", tokenUri.toString());
        json.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
        json.put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"));
        json.put("universe_domain", "googleapis.com");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
