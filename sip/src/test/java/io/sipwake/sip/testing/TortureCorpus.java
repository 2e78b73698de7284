package io.sipwake.sip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SIP torture messages of RFC 4475 and RFC 5118, shipped as test resources under
 * {@code torture/} (copied byte for byte from the shared corpus; see {@code torture/README.md}).
 * Available to other modules through the sipwake-sip test-jar.
 */
public final class TortureCorpus {

    /** What the RFC expects of a message, by the corpus' {@code category} column. */
    public enum Category {
        VALID, INVALID, TRANSACTION, APPLICATION;

        static Category of(String column) {
            return valueOf(column.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** One row of {@code torture/index.tsv}. */
    public record Entry(String name, String rfc, String section, Category category, String expected, String description) {
        /** The message bytes, exactly as in the RFC's archive (or converted as the README says). */
        public byte[] bytes() {
            return TortureCorpus.bytes(name);
        }

        /** True for the five messages of the corpus that are responses, not requests. */
        public boolean isResponse() {
            return new String(bytes(), 0, 4, StandardCharsets.ISO_8859_1).equals("SIP/");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Entry> ENTRIES = load();

    private TortureCorpus() {}

    /** All 61 messages in index order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static List<Entry> entries(Category category) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : ENTRIES) {
            if (e.category() == category) list.add(e);
        }
        return list;
    }

    public static Entry entry(String name) {
        for (Entry e : ENTRIES) {
            if (e.name().equals(name)) return e;
        }
        throw new IllegalArgumentException("no torture message " + name);
    }

    /** The bytes of {@code torture/NAME.dat}; also {@code "variants/baddn-terminated"}. */
    public static byte[] bytes(String name) {
        return resource("torture/" + name + ".dat");
    }

    private static List<Entry> load() {
        String tsv = new String(resource("torture/index.tsv"), StandardCharsets.UTF_8);
        List<Entry> list = new ArrayList<>();
        String[] lines = tsv.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String[] f = lines[i].split("\t", -1);
            list.add(new Entry(f[0], f[1], f[2], Category.of(f[3]), f[4], f[5]));
        }
        return Collections.unmodifiableList(list);
    }

    private static byte[] resource(String path) {
        try (InputStream in = TortureCorpus.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
