package io.sipwake.push.apns.testing;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
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
import java.util.Date;

/**
 * Key material made at test time (BouncyCastle, test scope): a self-signed EC P-256 TLS certificate with
 * SAN=localhost for the mock APNs, and APNs auth keys written as {@code .p8} (PKCS#8 PEM) files, so the sender
 * loads them through the production path.
 */
public final class ApnsTestCredentials {

    /** The mock server's TLS identity; {@code certificatePem} is what the sender is told to trust. */
    public record ServerIdentity(X509Certificate certificate, PrivateKey privateKey, Path certificatePem) {}

    /** An APNs auth key as Apple hands it out (a PKCS#8 PEM file) plus the public half the mock verifies with. */
    public record SigningKey(String teamId, String keyId, Path p8File, ApnsVerificationKey verificationKey) {}

    private ApnsTestCredentials() {}

    public static ServerIdentity serverIdentity(Path dir) throws Exception {
        KeyPair pair = ecKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Path pem = dir.resolve("apns-server.pem");
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
