package io.sipwake.push.apns.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A self-signed X.509 v3 certificate for {@code CN=localhost} with {@code subjectAltName=DNS:localhost}, signed
 * with ECDSA P-256 / SHA-256, written in DER by hand. The JDK has no public API to make a certificate, and
 * BouncyCastle is a test-only dependency; the APNs double that {@code sipwake demo} runs needs one at run time.
 * Only the handful of DER types a certificate uses are encoded (RFC 5280 §4.1).
 */
final class SelfSignedCertificate {
    private static final byte[] OID_ECDSA_WITH_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] OID_COMMON_NAME = {0x55, 0x04, 0x03};
    private static final byte[] OID_SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {}

    /** A certificate for {@code localhost} valid from {@code notBefore} to {@code notAfter}, signed by {@code ecKeys}. */
    static X509Certificate localhost(KeyPair ecKeys, Instant notBefore, Instant notAfter) throws GeneralSecurityException {
        byte[] algorithm = sequence(tlv(0x06, OID_ECDSA_WITH_SHA256));
        byte[] name = sequence(set(sequence(tlv(0x06, OID_COMMON_NAME), tlv(0x0c, "localhost".getBytes(StandardCharsets.US_ASCII)))));
        byte[] san = sequence(tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))); // GeneralNames { dNSName }
        byte[] extensions = tlv(0xa3, sequence(sequence(tlv(0x06, OID_SUBJECT_ALT_NAME), tlv(0x04, san))));
        byte[] tbs = sequence(
                tlv(0xa0, tlv(0x02, new byte[] {2})), // version v3
                tlv(0x02, BigInteger.valueOf(notBefore.toEpochMilli()).toByteArray()),
                algorithm,
                name,
                sequence(utcTime(notBefore), utcTime(notAfter)),
                name,
                ecKeys.getPublic().getEncoded(), // already a DER SubjectPublicKeyInfo
                extensions);
        Signature signer = Signature.getInstance("SHA256withECDSA"); // DER-encoded (r, s), as X.509 wants
        signer.initSign(ecKeys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // leading byte: no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] der = sequence(tbs, algorithm, tlv(0x03, bitString));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] utcTime(Instant t) {
        return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** One DER tag-length-value, definite length in short or long form. */
    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            byte[] length = BigInteger.valueOf(n).toByteArray();
            int skip = length[0] == 0 ? 1 : 0;
            out.write(0x80 | (length.length - skip));
            out.write(length, skip, length.length - skip);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
