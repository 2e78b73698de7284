package io.sipwake.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ConfigLoader} accepts, and how it refuses the rest: every refusal is a {@link ConfigException} whose
 * message starts with the file, then names the key path and the problem ({@code sip.listen[1].port: ...}).
 */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    /** Writes {@code yaml} to a file and loads it. */
    private SipwakeConfig load(String yaml) {
        return ConfigLoader.load(write("sipwake.yaml", yaml));
    }

    /** Loads {@code yaml}, expects a refusal, and checks the message has the "file: key: problem" shape. */
    private String rejected(String yaml) {
        Path file = write("sipwake.yaml", yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("loading should fail for:%n%s", yaml).isNotNull();
        assertThat(e.getMessage()).startsWith(file + ": ");
        return e.getMessage().substring((file + ": ").length());
    }

    private Path write(String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Nested
    class FilesAndSyntax {
        @Test
        void noConfigFileMeansTheBuiltInDefaults() {
            assertThat(ConfigLoader.load(null)).isEqualTo(SipwakeConfig.defaults());
        }

        @Test
        void anEmptyFileMeansTheBuiltInDefaults() {
            assertThat(load("")).isEqualTo(SipwakeConfig.defaults());
            assertThat(load("\n  \n")).isEqualTo(SipwakeConfig.defaults());
        }

        @Test
        void aFileOfOnlyCommentsMeansTheBuiltInDefaults() {
            assertThat(load("# nothing configured yet\n# registrar:\n")).isEqualTo(SipwakeConfig.defaults());
        }

        @Test
        void aDocumentMarkerAloneMeansTheBuiltInDefaults() {
            assertThat(load("---\n")).isEqualTo(SipwakeConfig.defaults());
        }

        @Test
        void theDefaultsAreAStandaloneRegistrarOnPort5060WithSqlite() {
            SipwakeConfig c = SipwakeConfig.defaults();
            assertThat(c.sip().listen()).containsExactly(new SipwakeConfig.Listener("udp", 5060), new SipwakeConfig.Listener("tcp", 5060));
            assertThat(c.registrar().authentication()).isTrue();
            assertThat(c.registrar().digestAlgorithms()).containsExactly("SHA-256", "MD5");
            assertThat(c.store().type()).isEqualTo("sqlite");
            assertThat(c.store().dataDir()).isEqualTo(Path.of("data"));
        }

        @Test
        void givenValuesReplaceTheDefaultsAndTheRestKeepThem() throws IOException {
            Path secret = write("secrets/bob", "s3cret\n");
            SipwakeConfig c = load("""
                    sip:
                      address: 127.0.0.1
                      listen:
                        - {transport: udp, port: 5070}
                        - {transport: WS, port: 0}
                      idle-timeout: 90s
                      timers: {t1: 250ms}
                    registrar:
                      domains: [example.com]
                      digest-algorithms: [MD5]
                      min-expires: 30
                      users:
                        - {username: alice, password: 0123}
                        - {username: bob, password-file: %s}
                    store: {type: memory}
                    """.formatted(secret));
            assertThat(c.sip().address()).isEqualTo("127.0.0.1");
            assertThat(c.sip().listen()).containsExactly(new SipwakeConfig.Listener("udp", 5070), new SipwakeConfig.Listener("WS", 0));
            assertThat(c.sip().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(c.sip().timers().t1()).isEqualTo(Duration.ofMillis(250));
            assertThat(c.sip().timers().t2()).isEqualTo(Duration.ofSeconds(4));
            assertThat(c.registrar().domains()).containsExactly("example.com");
            assertThat(c.registrar().minExpires()).isEqualTo(30);
            assertThat(c.registrar().defaultExpires()).isEqualTo(3600);
            // A password that looks like a number is kept as written, leading zero included.
            assertThat(c.registrar().users().get(0).password()).isEqualTo("0123");
            assertThat(c.registrar().users().get(1).passwordFile()).isEqualTo(secret);
            assertThat(c.store().type()).isEqualTo("memory");
        }

        @Test
        void anEmptyKeyMeansItsDefault() {
            SipwakeConfig c = load("sip:\n  idle-timeout:\nregistrar:\n");
            assertThat(c.sip().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
            assertThat(c.registrar()).isEqualTo(SipwakeConfig.defaults().registrar());
        }

        @Test
        void aFileThatDoesNotExistIsRefusedWithItsPath() {
            Path missing = dir.resolve("nope.yaml");
            assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing)))
                    .hasMessage("config file " + missing + " does not exist");
        }

        @Test
        void aDirectoryIsRefusedAsConfigFile() {
            assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir)))
                    .hasMessage("config file " + dir + " is a directory, not a file");
        }

        @Test
        void invalidYamlIsRefusedWithLineAndColumn() {
            assertThat(rejected("sip:\n\tlisten: []\n")).startsWith("not valid YAML at line 2, column 1: ").contains("TAB");
            assertThat(rejected("registrar:\n  realm: a: b\n")).startsWith("not valid YAML at line 2, column 11: mapping values are not allowed");
            assertThat(rejected("registrar:\n  realm: 'unterminated\n")).startsWith("not valid YAML at line 3, column 1: ")
                    .contains("while scanning a quoted scalar at line 2, column 10");
        }

        @Test
        void aKeyGivenTwiceIsRefusedRatherThanTheFirstOneIgnored() {
            assertThat(rejected("sip:\n  address: 127.0.0.1\n  address: ::1\n")).isEqualTo("sip.address: given twice (again at line 3)");
            assertThat(rejected("registrar: {}\nstore: {}\nregistrar: {}\n")).startsWith("registrar: given twice");
        }

        @Test
        void aSecondYamlDocumentIsRefused() {
            assertThat(rejected("sip: {}\n---\nregistrar: {}\n")).startsWith("a second YAML document starts at line 3");
        }

        @Test
        void somethingOtherThanKeysAtTheTopLevelIsRefused() {
            assertThat(rejected("hello\n")).isEqualTo("top level: expected keys and values (key: value, one per line), got 'hello'");
            assertThat(rejected("- sip\n")).isEqualTo("top level: expected keys and values (key: value, one per line), got a list");
        }
    }

    @Nested
    class UnknownKeys {
        @Test
        void anUnknownTopLevelKeyIsNamedWithAGuess() {
            assertThat(rejected("sipp: {}\n")).startsWith("sipp: unknown key (did you mean 'sip'? known keys here: admin, ")
                    .contains(", edge, logging, push, registrar, sip, store");
        }

        @Test
        void anUnknownKeyUnderSipIsNamedWithItsPathAndTheKnownKeys() {
            assertThat(rejected("sip:\n  listne: []\n"))
                    .startsWith("sip.listne: unknown key (did you mean 'listen'? known keys here: address, advertised-host, aliases,");
        }

        @Test
        void anUnknownKeyUnderRegistrarIsNamedWithItsPath() {
            assertThat(rejected("registrar:\n  userz: []\n")).startsWith("registrar.userz: unknown key (did you mean 'users'?");
        }

        @Test
        void anUnknownKeyInAListItemIsNamedWithTheItemsIndex() {
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password: a}\n    - {username: bob, pasword: b}\n"))
                    .startsWith("registrar.users[1].pasword: unknown key (did you mean 'password'?");
        }

        @Test
        void anUnknownKeyFarFromAnyKnownOneGetsNoGuess() {
            assertThat(rejected("store:\n  database: x\n")).isEqualTo("store.database: unknown key (known keys here: data-dir, type)");
        }
    }

    @Nested
    class WrongTypes {
        @Test
        void aWordWhereADurationBelongsIsRefused() {
            assertThat(rejected("sip:\n  idle-timeout: banana\n"))
                    .isEqualTo("sip.idle-timeout: expected a duration such as 500ms, 30s or 10m, got 'banana'");
        }

        @Test
        void aDurationWithoutUnitIsRefusedWithAHint() {
            assertThat(rejected("sip:\n  timers: {t1: 500}\n")).startsWith("sip.timers.t1: expected a duration").endsWith("(a number needs a unit: ms, s, m, h or d)");
        }

        @Test
        void aDurationTooLongForJavaIsRefused() {
            assertThat(rejected("sip:\n  idle-timeout: 99999999999999999999d\n")).isEqualTo("sip.idle-timeout: duration '99999999999999999999d' is too long");
        }

        @Test
        void aListWhereADurationBelongsIsRefused() {
            assertThat(rejected("sip:\n  timers: {t2: [4s]}\n")).isEqualTo("sip.timers.t2: expected a duration such as 500ms, 30s or 10m, got a list");
        }

        @Test
        void everyDurationUnitIsUnderstood() {
            SipwakeConfig c = load("sip:\n  idle-timeout: 2h\n  timers: {t1: 1s, t2: 1m, t4: 1d}\n");
            assertThat(c.sip().idleTimeout()).isEqualTo(Duration.ofHours(2));
            assertThat(c.sip().timers()).isEqualTo(new SipwakeConfig.Timers(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofDays(1)));
        }

        @Test
        void textWhereAWholeNumberBelongsIsRefused() {
            assertThat(rejected("registrar:\n  min-expires: \"abc\"\n")).isEqualTo("registrar.min-expires: expected a whole number, got 'abc'");
        }

        @Test
        void aQuotedNumberIsRefusedWithAHint() {
            assertThat(rejected("registrar:\n  max-expires: \"7200\"\n"))
                    .isEqualTo("registrar.max-expires: expected a whole number, got '7200' in quotes (write it without them)");
        }

        @Test
        void aFractionWhereAWholeNumberBelongsIsRefusedRatherThanRounded() {
            assertThat(rejected("registrar:\n  min-expires: 1.5\n")).isEqualTo("registrar.min-expires: expected a whole number, got 1.5");
        }

        @Test
        void aNumberTooLargeIsRefused() {
            assertThat(rejected("registrar:\n  max-expires: 99999999999\n"))
                    .isEqualTo("registrar.max-expires: expected a whole number, got 99999999999, which is too large");
        }

        @Test
        void aNumberWhereTrueOrFalseBelongsIsRefused() {
            assertThat(rejected("registrar:\n  authentication: 1\n")).isEqualTo("registrar.authentication: expected true or false, got 1");
            assertThat(rejected("sip:\n  resolve-names: \"false\"\n"))
                    .isEqualTo("sip.resolve-names: expected true or false, got 'false' in quotes (write it without them)");
        }

        @Test
        void aNumberWhereAListBelongsIsRefused() {
            assertThat(rejected("sip:\n  listen: 5\n")).isEqualTo("sip.listen: expected a list, got 5");
        }

        @Test
        void aSingleValueWhereAListBelongsIsRefused() {
            assertThat(rejected("registrar:\n  digest-algorithms: SHA-256\n"))
                    .isEqualTo("registrar.digest-algorithms: expected a list, got 'SHA-256'");
        }

        @Test
        void aValueWhereASectionBelongsIsRefused() {
            assertThat(rejected("sip: 5\n")).isEqualTo("sip: expected keys and values (key: value, one per line), got 5");
            assertThat(rejected("sip:\n  listen: [udp]\n")).isEqualTo("sip.listen[0]: expected keys and values (key: value, one per line), got 'udp'");
        }

        @Test
        void aListWhereASingleValueBelongsIsRefused() {
            assertThat(rejected("sip:\n  address: [127.0.0.1, ::1]\n")).isEqualTo("sip.address: expected a single value, got a list");
            assertThat(rejected("registrar:\n  users: [{username: a, password-file: [x]}]\n"))
                    .isEqualTo("registrar.users[0].password-file: expected a file path, got a list");
        }

        @Test
        void aWrongTypeInsideAListItemIsNamedWithTheItemsIndex() {
            assertThat(rejected("sip:\n  listen:\n    - {transport: udp, port: 5060}\n    - {transport: tcp, port: x}\n"))
                    .isEqualTo("sip.listen[1].port: expected a whole number, got 'x'");
        }

        @Test
        void anEmptyListItemIsRefused() {
            assertThat(rejected("sip:\n  listen:\n    - {transport: udp, port: 5060}\n    -\n"))
                    .isEqualTo("sip.listen[1]: empty list item (give it a value or remove the line)");
            assertThat(rejected("registrar:\n  domains: [example.com, ~]\n"))
                    .isEqualTo("registrar.domains[1]: empty list item (give it a value or remove the line)");
        }
    }

    @Nested
    class Listeners {
        @Test
        void aPortOutOfRangeIsNamedWithTheListenersIndex() {
            assertThat(rejected("sip:\n  listen:\n    - {transport: udp, port: 5060}\n    - {transport: tcp, port: 70000}\n"))
                    .isEqualTo("sip.listen[1].port: must be 0..65535 (got 70000)");
            assertThat(rejected("sip:\n  listen: [{transport: udp, port: -1}]\n")).isEqualTo("sip.listen[0].port: must be 0..65535 (got -1)");
        }

        @Test
        void aListenerWithoutPortIsRefused() {
            assertThat(rejected("sip:\n  listen: [{transport: udp}]\n")).isEqualTo("sip.listen[0].port: missing (0..65535; 0 picks a free port)");
        }

        @Test
        void anUnknownTransportIsRefused() {
            assertThat(rejected("sip:\n  listen: [{transport: sctp, port: 5060}]\n"))
                    .isEqualTo("sip.listen[0].transport: must be one of udp, tcp, tls, ws, wss (got 'sctp')");
            assertThat(rejected("sip:\n  listen: [{port: 5060}]\n")).isEqualTo("sip.listen[0].transport: missing (udp, tcp, tls, ws or wss)");
        }

        @Test
        void transportNamesAreCaseInsensitive() {
            assertThat(load("sip:\n  listen: [{transport: UDP, port: 0}, {transport: Tcp, port: 0}]\n").sip().listen()).hasSize(2);
        }

        @Test
        void aSecondListenerForTheSameTransportIsRefusedRatherThanReplacingTheFirst() {
            assertThat(rejected("sip:\n  listen:\n    - {transport: udp, port: 5060}\n    - {transport: UDP, port: 5062}\n"))
                    .isEqualTo("sip.listen[1].transport: a second udp listener (sip.listen[0] is one; one per transport)");
        }

        @Test
        void noListenerAtAllIsRefused() {
            assertThat(rejected("sip:\n  listen: []\n")).startsWith("sip.listen: must name at least one listener");
        }

        @Test
        void anEmptyAddressIsRefused() {
            assertThat(rejected("sip:\n  address: ''\n")).startsWith("sip.address: must not be empty");
        }

        @Test
        void negativeIoThreadsAreRefused() {
            assertThat(rejected("sip:\n  io-threads: -1\n")).isEqualTo("sip.io-threads: must be 0 (twice the number of cores) or more (got -1)");
        }

        @Test
        void timersMustBePositiveAndT2NotShorterThanT1() {
            assertThat(rejected("sip:\n  timers: {t1: 0ms}\n")).isEqualTo("sip.timers.t1: must be longer than 0");
            assertThat(rejected("sip:\n  timers: {t1: 5s, t2: 4s}\n")).isEqualTo("sip.timers.t2: must not be shorter than sip.timers.t1");
            assertThat(rejected("sip:\n  timers: {t4: 0s}\n")).isEqualTo("sip.timers.t4: must be longer than 0");
        }

        @Test
        void limitsBelowWhatTheParserNeedsAreRefused() {
            assertThat(rejected("sip:\n  limits: {max-message-bytes: 100}\n")).isEqualTo("sip.limits.max-message-bytes: must be at least 512 (got 100)");
            assertThat(rejected("sip:\n  limits: {max-header-bytes: 0}\n")).isEqualTo("sip.limits.max-header-bytes: must be at least 256 (got 0)");
            assertThat(rejected("sip:\n  limits: {max-header-lines: 7}\n")).isEqualTo("sip.limits.max-header-lines: must be at least 8 (got 7)");
            assertThat(rejected("sip:\n  limits: {max-line-bytes: -5}\n")).isEqualTo("sip.limits.max-line-bytes: must be at least 128 (got -5)");
        }

        @Test
        void theSmallestLimitsNamedInTheMessagesAreAccepted() {
            SipwakeConfig c = load("sip:\n  limits: {max-message-bytes: 512, max-header-bytes: 256, max-header-lines: 8, max-line-bytes: 128}\n");
            assertThat(c.sip().limits().maxMessageBytes()).isEqualTo(512);
        }
    }

    @Nested
    class Tls {
        @Test
        void aTlsListenerWithoutCertificateNamesTheMissingKey() {
            assertThat(rejected("sip:\n  listen: [{transport: tls, port: 5061}]\n"))
                    .isEqualTo("sip.tls.certificate: missing (a tls listener needs it)");
        }

        @Test
        void aWssListenerWithoutPrivateKeyNamesTheMissingKey() {
            Path cert = write("tls/cert.pem", "cert");
            assertThat(rejected("sip:\n  listen: [{transport: wss, port: 8443}]\n  tls: {certificate: " + cert + "}\n"))
                    .isEqualTo("sip.tls.private-key: missing (a wss listener needs it)");
        }

        @Test
        void aCertificateFileThatDoesNotExistIsNamed() {
            Path key = write("tls/key.pem", "key");
            Path cert = dir.resolve("tls/nope.pem");
            assertThat(rejected("sip:\n  listen: [{transport: tls, port: 5061}]\n  tls: {certificate: " + cert + ", private-key: " + key + "}\n"))
                    .isEqualTo("sip.tls.certificate: file " + cert + " does not exist");
        }

        @Test
        void aCertificateWithoutItsKeyIsRefusedEvenWithoutATlsListener() {
            Path cert = write("tls/cert.pem", "cert");
            assertThat(rejected("sip:\n  tls: {certificate: " + cert + "}\n"))
                    .isEqualTo("sip.tls.private-key: missing (sip.tls.certificate and sip.tls.private-key go together)");
        }

        @Test
        void aTrustBundleThatDoesNotExistIsNamed() {
            Path ca = dir.resolve("ca.pem");
            assertThat(rejected("sip:\n  tls: {trust: " + ca + "}\n")).isEqualTo("sip.tls.trust: file " + ca + " does not exist");
        }

        @Test
        void tlsListenersWithReadableFilesAreValid() {
            Path cert = write("tls/cert.pem", "cert");
            Path key = write("tls/key.pem", "key");
            SipwakeConfig c = load("sip:\n  listen: [{transport: tls, port: 0}, {transport: wss, port: 0}]\n"
                    + "  tls: {certificate: " + cert + ", private-key: " + key + "}\n");
            assertThat(c.sip().tls().certificate()).isEqualTo(cert);
            assertThat(c.sip().tls().privateKey()).isEqualTo(key);
        }
    }

    @Nested
    class Users {
        @Test
        void aUserWithoutUsernameIsRefused() {
            assertThat(rejected("registrar:\n  users:\n    - {password: x}\n")).isEqualTo("registrar.users[0].username: missing");
            assertThat(rejected("registrar:\n  users:\n    - {username: a, password: x}\n    - {username: ' ', password: y}\n"))
                    .isEqualTo("registrar.users[1].username: missing");
        }

        @Test
        void aUserWithBothPasswordAndPasswordFileIsRefused() {
            Path secret = write("secret", "s3cret");
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password: x, password-file: " + secret + "}\n"))
                    .isEqualTo("registrar.users[0]: give password or password-file, not both");
        }

        @Test
        void aUserWithNeitherPasswordNorPasswordFileIsRefused() {
            assertThat(rejected("registrar:\n  users:\n    - {username: alice}\n")).isEqualTo("registrar.users[0]: missing password or password-file");
        }

        @Test
        void aPasswordFileThatDoesNotExistIsNamed() {
            Path missing = dir.resolve("secrets/alice");
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password-file: " + missing + "}\n"))
                    .isEqualTo("registrar.users[0].password-file: file " + missing + " does not exist");
        }

        @Test
        void aPasswordFileThatIsADirectoryIsNamed() throws IOException {
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password-file: " + secrets + "}\n"))
                    .isEqualTo("registrar.users[0].password-file: " + secrets + " is a directory, not a file");
        }

        @Test
        void anUnreadablePasswordFileIsNamed() throws IOException {
            Path secret = write("secrets/alice", "s3cret");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            assumeFalse(Files.isReadable(secret), "root reads any file, so this can only be checked as another user");
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password-file: " + secret + "}\n"))
                    .isEqualTo("registrar.users[0].password-file: file " + secret + " is not readable (permission denied)");
        }

        @Test
        void anEmptyPasswordIsRefused() {
            Path blank = write("secrets/alice", "\n");
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password-file: " + blank + "}\n"))
                    .isEqualTo("registrar.users[0].password-file: file " + blank + " is empty");
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password: ''}\n"))
                    .isEqualTo("registrar.users[0].password: must not be empty");
        }

        @Test
        void aUsernameListedTwiceIsRefused() {
            assertThat(rejected("registrar:\n  users:\n    - {username: alice, password: a}\n    - {username: alice, password: b}\n"))
                    .isEqualTo("registrar.users[1].username: 'alice' is registrar.users[0] already");
        }

        @Test
        void aPasswordIsNeverPartOfAMessage() {
            String message = rejected("registrar:\n  users:\n    - {username: alice, password: hunter2, pasword: hunter3}\n");
            assertThat(message).doesNotContain("hunter");
        }
    }

    @Nested
    class Registrar {
        @Test
        void minExpiresBelowOneIsRefused() {
            assertThat(rejected("registrar:\n  min-expires: 0\n")).isEqualTo("registrar.min-expires: must be at least 1 (got 0)");
        }

        @Test
        void defaultExpiresBelowMinExpiresIsRefused() {
            assertThat(rejected("registrar:\n  min-expires: 7200\n"))
                    .isEqualTo("registrar.default-expires: must not be below registrar.min-expires (3600 < 7200)");
        }

        @Test
        void maxExpiresBelowDefaultExpiresIsRefused() {
            assertThat(rejected("registrar:\n  max-expires: 600\n"))
                    .isEqualTo("registrar.max-expires: must not be below registrar.default-expires (600 < 3600)");
        }

        @Test
        void equalMinDefaultAndMaxExpiresAreValid() {
            SipwakeConfig.Registrar r = load("registrar: {min-expires: 300, default-expires: 300, max-expires: 300}\n").registrar();
            assertThat(List.of(r.minExpires(), r.defaultExpires(), r.maxExpires())).containsOnly(300);
        }

        @Test
        void anUnknownDigestAlgorithmIsNamedWithItsIndex() {
            assertThat(rejected("registrar:\n  digest-algorithms: [SHA-256, SHA-1]\n"))
                    .isEqualTo("registrar.digest-algorithms[1]: unknown algorithm 'SHA-1' (use SHA-256, MD5, SHA-512-256 or their -sess forms)");
        }

        @Test
        void noDigestAlgorithmIsRefused() {
            assertThat(rejected("registrar:\n  digest-algorithms: []\n")).isEqualTo("registrar.digest-algorithms: must name at least one algorithm");
        }

        @Test
        void everyDigestAlgorithmOfRfc8760IsAccepted() {
            assertThat(load("registrar:\n  digest-algorithms: [SHA-512-256, SHA-256-sess, md5]\n").registrar().digestAlgorithms()).hasSize(3);
        }

        @Test
        void anEmptyRealmIsRefused() {
            assertThat(rejected("registrar:\n  realm: ''\n")).isEqualTo("registrar.realm: must not be empty");
        }
    }

    @Nested
    class Store {
        @Test
        void anUnknownStoreTypeIsRefused() {
            assertThat(rejected("store:\n  type: redis\n")).isEqualTo("store.type: must be one of sqlite, memory (got 'redis')");
        }

        @Test
        void theMemoryStoreIsValid() {
            assertThat(load("store: {type: memory}\n").store().type()).isEqualTo("memory");
        }
    }

    @Nested
    class Edge {
        @Test
        void anUpstreamIsReadWithItsDefaults() {
            SipwakeConfig.Upstream u = load("edge:\n  upstreams:\n    - {uri: \"sip:10.0.0.5:5060;transport=udp\"}\n").edge().upstreams().get(0);
            assertThat(u.mode()).isEqualTo("path");
            assertThat(u.unsupportedProviders()).isEqualTo("forward");
            assertThat(u.domains()).isEmpty();
        }

        @Test
        void anUpstreamWithoutUriIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {mode: path}\n")).startsWith("edge.upstreams[0].uri: missing");
        }

        @Test
        void anUpstreamUriThatIsNoSipUriIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"http://pbx\"}\n")).startsWith("edge.upstreams[0].uri: not a sip: or sips: URI");
        }

        @Test
        void anUpstreamUriWithAUserIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:alice@pbx\"}\n")).startsWith("edge.upstreams[0].uri: must name a host");
        }

        @Test
        void anUpstreamTransportSipwakeCannotUseIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:pbx;transport=sctp\"}\n"))
                    .isEqualTo("edge.upstreams[0].uri: transport must be udp, tcp or tls (got 'sctp')");
        }

        @Test
        void anUnknownModeIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:pbx\", mode: masquerade}\n"))
                    .isEqualTo("edge.upstreams[0].mode: must be one of path, contact-rewrite (got 'masquerade')");
        }

        @Test
        void anUnknownUnsupportedProvidersPolicyIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:pbx\", unsupported-providers: drop}\n"))
                    .isEqualTo("edge.upstreams[0].unsupported-providers: must be forward or reject (got 'drop')");
        }

        @Test
        void aDomainServedByTwoUpstreamsIsRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:a\", domains: [example.com]}\n"
                    + "    - {uri: \"sip:b\", domains: [Example.com]}\n"))
                    .isEqualTo("edge.upstreams[1].domains[0]: 'example.com' is served by edge.upstreams[0] already");
        }

        @Test
        void twoCatchAllUpstreamsAreRefused() {
            assertThat(rejected("edge:\n  upstreams:\n    - {uri: \"sip:a\"}\n    - {uri: \"sip:b\"}\n"))
                    .isEqualTo("edge.upstreams[1].domains: every domain is served by edge.upstreams[0] already");
        }

        @Test
        void aRefreshPushLeadBelow120SecondsIsRefused_RFC8599_5_5() {
            assertThat(rejected("push:\n  refresh-push-before: 60s\n"))
                    .isEqualTo("push.refresh-push-before: must be 0s (off) or at least 120s (got 60s)");
        }
    }

    @Nested
    class WebPush {
        @Test
        void aVapidKeyPairIsReadAndTheDefaultsAreTheBrowsersPushServices() {
            Path key = dir.resolve("vapid.pem");
            io.sipwake.push.webpush.testing.TestVapidKeys.write(key);
            SipwakeConfig.WebPush w = load("push:\n  webpush: {vapid-private-key: " + key + ", subject: \"mailto:ops@example.com\"}\n")
                    .push().webpush();
            assertThat(w.allowHosts()).contains("fcm.googleapis.com", "push.services.mozilla.com");
        }

        @Test
        void aMissingVapidKeyIsRefusedWithHowToMakeOne() {
            assertThat(rejected("push:\n  webpush: {subject: \"mailto:ops@example.com\"}\n"))
                    .startsWith("push.webpush.vapid-private-key: missing").contains("openssl ecparam -name prime256v1");
        }

        @Test
        void aKeyThatIsNotPkcs8IsRefusedWithTheConversion() {
            Path sec1 = write("sec1.pem", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
            assertThat(rejected("push:\n  webpush: {vapid-private-key: " + sec1 + "}\n"))
                    .startsWith("push.webpush.vapid-private-key: ").contains("openssl pkcs8 -topk8");
        }

        @Test
        void aSubjectThatIsNoMailtoOrHttpsUriIsRefused_RFC8292_2_1() {
            Path key = dir.resolve("vapid.pem");
            io.sipwake.push.webpush.testing.TestVapidKeys.write(key);
            assertThat(rejected("push:\n  webpush: {vapid-private-key: " + key + ", subject: ops@example.com}\n"))
                    .startsWith("push.webpush.subject: must be a mailto: or https: URI");
        }
    }
}
