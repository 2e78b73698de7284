package io.sipwake.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.testing.TortureCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The torture messages in the test resources are the shared corpus' bytes, unchanged (no line-end conversion). */
class TortureCorpusIntegrityTest {

    @Test
    void everyTortureFileHasTheChecksumOfTheSharedCorpus() throws IOException, NoSuchAlgorithmException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("torture/SHA256SUMS")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank()) continue;
                sums.put(line.substring(66).trim(), line.substring(0, 64));
            }
        }
        assertThat(sums).hasSize(62);
        for (TortureCorpus.Entry e : TortureCorpus.entries()) assertThat(sums).containsKey(e.name() + ".dat");
        for (Map.Entry<String, String> s : sums.entrySet()) {
            String name = s.getKey().substring(0, s.getKey().length() - ".dat".length());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(TortureCorpus.bytes(name));
            assertThat(HexFormat.of().formatHex(digest)).as(s.getKey()).isEqualTo(s.getValue());
        }
    }
}
