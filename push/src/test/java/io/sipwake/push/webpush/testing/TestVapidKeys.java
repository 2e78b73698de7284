package io.sipwake.push.webpush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Fresh VAPID key pairs (P-256) for tests, written as the PKCS#8 PEM files sipwake reads. */
public final class TestVapidKeys {
    private TestVapidKeys() {}

    /** Writes a new private key to {@code file}; returns the public key, base64url of the uncompressed point. */
    public static String write(Path file) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(file, pem);
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            byte[] point = new byte[65];
            point[0] = 4;
            copy(pub.getW().getAffineX(), point, 1);
            copy(pub.getW().getAffineY(), point, 33);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(point);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int len = Math.min(32, b.length);
        System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
    }
}
