package io.sipwake.push.webpush;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * sipwake's VAPID identity (RFC 8292): an ECDSA P-256 key pair. The private key signs the JWT of every WebPush
 * request; the public key is what {@code Authorization: vapid k=} and RFC 8599's {@code +sip.vapid} carry, in the
 * uncompressed form (65 octets, base64url without padding).
 *
 * <p>Read from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}), as made by
 * {@code openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out vapid.pem}. The public
 * key is computed from the private one, so one file is all there is to keep secret and to rotate.
 */
public final class VapidKey {
    /** The P-256 curve's size in bytes. */
    private static final int FIELD_BYTES = 32;

    private final ECPrivateKey privateKey;
    private final byte[] publicKey; // 0x04 || X || Y

    private VapidKey(ECPrivateKey privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Reads the key from a PKCS#8 PEM file.
     *
     * @throws IllegalArgumentException naming the problem when the file is not a P-256 private key
     */
    public static VapidKey read(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage(), e);
        }
        return parse(text, pem.toString());
    }

    /** Parses PKCS#8 PEM text; {@code source} names it in errors. */
    public static VapidKey parse(String pemText, String source) {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pemText.indexOf(begin);
        int end = pemText.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String hint = pemText.contains("BEGIN EC PRIVATE KEY") ? " (this is a SEC1 key: convert it with openssl pkcs8 -topk8 -nocrypt)" : "";
            throw new IllegalArgumentException(source + " is not a PKCS#8 PEM private key" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pemText.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad base64 in the PEM", e);
        }
        ECPrivateKey key;
        try {
            if (!(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof ECPrivateKey ec)) {
                throw new IllegalArgumentException(source + " is not an EC private key");
            }
            key = ec;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + " is not an EC private key (" + e.getMessage() + ")", e);
        }
        ECParameterSpec params = key.getParams();
        if (params.getCurve().getField().getFieldSize() != 256 || !(params.getCurve().getField() instanceof ECFieldFp)) {
            throw new IllegalArgumentException(source + ": VAPID needs a P-256 (prime256v1) key");
        }
        ECPoint q = multiply(params, key.getS());
        return new VapidKey(key, uncompressed(q));
    }

    public ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The public key as {@code k=} and {@code +sip.vapid} carry it: base64url of the uncompressed point, no padding. */
    public String publicKeyBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
    }

    private static byte[] uncompressed(ECPoint q) {
        byte[] out = new byte[1 + 2 * FIELD_BYTES];
        out[0] = 0x04;
        copyUnsigned(q.getAffineX(), out, 1);
        copyUnsigned(q.getAffineY(), out, 1 + FIELD_BYTES);
        return out;
    }

    private static void copyUnsigned(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, FIELD_BYTES);
        System.arraycopy(b, b.length - len, out, offset + FIELD_BYTES - len, len);
    }

    /** {@code d·G} on the key's curve, in affine coordinates (double-and-add; run once, when the key is read). */
    private static ECPoint multiply(ECParameterSpec params, BigInteger d) {
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        BigInteger a = params.getCurve().getA();
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = params.getGenerator();
        for (int i = 0; i < d.bitLength(); i++) {
            if (d.testBit(i)) result = add(result, addend, p, a);
            addend = add(addend, addend, p, a);
        }
        return result;
    }

    private static ECPoint add(ECPoint s, ECPoint t, BigInteger p, BigInteger a) {
        if (s.equals(ECPoint.POINT_INFINITY)) return t;
        if (t.equals(ECPoint.POINT_INFINITY)) return s;
        BigInteger x1 = s.getAffineX();
        BigInteger y1 = s.getAffineY();
        BigInteger x2 = t.getAffineX();
        BigInteger y2 = t.getAffineY();
        BigInteger lambda;
        if (x1.equals(x2)) {
            if (!y1.equals(y2) || y1.signum() == 0) return ECPoint.POINT_INFINITY;
            lambda = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
        } else {
            lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
        }
        BigInteger x3 = lambda.pow(2).subtract(x1).subtract(x2).mod(p);
        BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
        return new ECPoint(x3, y3);
    }
}
