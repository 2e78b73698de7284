package io.sipwake.push.apns.testing;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Key material made on the spot with the JDK alone: a self-signed EC P-256 TLS certificate with SAN=localhost for
 * the mock APNs, and APNs auth keys written as {@code .p8} (PKCS#8 PEM) files, so the sender loads them through the
 * production path. Used by the tests and by {@code sipwake demo}.
 */
public final class ApnsTestCredentials {

    /** The mock server's TLS identity; {@code certificatePem} is what the sender is told to trust. */
    public record ServerIdentity(X509Certificate certificate, PrivateKey privateKey, Path certificatePem) {}

    /** An APNs auth key as Apple hands it out (a PKCS#8 PEM file) plus the public half the mock verifies with. */
    public record SigningKey(String teamId, String keyId, Path p8File, ApnsVerificationKey verificationKey) {}

    private ApnsTestCredentials() {}

    public static ServerIdentity serverIdentity(Path dir) throws Exception {
        KeyPair pair = ecKeyPair();
        Instant now = Instant.now();
        X509Certificate cert = SelfSignedCertificate.localhost(pair, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        Path pem = dir.resolve("apns-server.pem");
        Files.createDirectories(dir);
        Files.writeString(pem, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        return new ServerIdentity(cert, pair.getPrivate(), pem);
    }

    public static SigningKey signingKey(Path dir, String teamId, String keyId) throws Exception {
        KeyPair pair = ecKeyPair();
        Path p8 = dir.resolve("AuthKey_" + keyId + ".p8");
        Files.writeString(p8, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new SigningKey(teamId, keyId, p8, new ApnsVerificationKey(keyId, teamId, (ECPublicKey) pair.getPublic()));
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
