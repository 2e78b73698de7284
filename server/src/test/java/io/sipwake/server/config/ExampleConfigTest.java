package io.sipwake.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code config/sipwake.example.yaml} is what users copy: it must load as it is, and it claims to show every key
 * with its default ("the values shown are the defaults unless marked example").
 */
class ExampleConfigTest {
    /** Tests run in the module directory ({@code server/}); the example lives at the repository root. */
    private static final Path EXAMPLE = Path.of("..", "config", "sipwake.example.yaml");

    @Test
    void theExampleConfigLoadsAndValidatesAsItIs() {
        assertThat(EXAMPLE).isRegularFile();
        SipwakeConfig config = ConfigLoader.load(EXAMPLE);
        assertThat(config.sip().listen()).isNotEmpty();
    }

    @Test
    void theValuesInTheExampleConfigAreTheDefaults() {
        assertThat(ConfigLoader.load(EXAMPLE)).isEqualTo(SipwakeConfig.defaults());
    }

    @Test
    void theExampleConfigMentionsEveryKey() throws IOException {
        String example = Files.readString(EXAMPLE);
        List<String> keys = new ArrayList<>();
        collectKeys(SipwakeConfig.class, "", keys);
        List<String> undocumented = keys.stream()
                .filter(path -> !Pattern.compile("[\\s{#,]" + Pattern.quote(leaf(path)) + ":").matcher(example).find())
                .toList();
        assertThat(undocumented).as("keys of SipwakeConfig the example neither sets nor shows in a comment").isEmpty();
    }

    /** Key paths of the config records, as the YAML spells them ({@code sip.tls.private-key}). */
    private static void collectKeys(Class<?> record, String prefix, List<String> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            // @JsonProperty on a record component lands on its accessor (the annotation does not target components).
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            String key = prefix + (renamed != null ? renamed.value() : c.getName());
            keys.add(key);
            Type type = c.getGenericType();
            if (type instanceof ParameterizedType list && list.getActualTypeArguments()[0] instanceof Class<?> item) type = item;
            if (type instanceof Class<?> nested && nested.isRecord()) collectKeys(nested, key + ".", keys);
        }
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
