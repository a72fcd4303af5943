package media.edge.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a key file into a {@link KeyRing}; the format is documented on {@link KeyRing#load}.
 *
 * <p>The file holds secrets and is parsed as untrusted text: SnakeYAML's {@link SafeConstructor}
 * (plain maps, lists and scalars only), with limits on size, aliases and nesting. Error messages are
 * built here from the entry's position and never include a value; SnakeYAML's own messages are not
 * passed on whole, since their context snippet would quote the line (which may be a secret).
 *
 * <p>Stateless; safe from any thread.
 */
final class KeyFile {

  /** Key files are small; a bigger one is a mistake, or an attack on the parser. */
  static final int MAX_FILE_BYTES = 256 * 1024;

  /** {@code secret} and {@code public-key} are the names the server configuration uses for the same fields. */
  private static final Set<String> ENTRY_FIELDS = Set.of("id", "hmac", "secret", "ed25519-public", "public-key");
  private static final List<String> KEY_FIELDS = List.of("hmac", "secret", "ed25519-public", "public-key");

  private KeyFile() {}

  /**
   * Reads and parses {@code file}. {@code seen} receives, for every file read or tried (the key
   * file, then each PEM file it names), the {@link #digest} of what was read, even when parsing then
   * fails: a watcher compares those with the files' current digests to decide whether to reload.
   */
  static KeyRing read(Path file, Map<Path, byte[]> seen) throws KeyFileException {
    String name = file.toString();
    String text = new String(readBounded(file, name + ":", seen), StandardCharsets.UTF_8);
    Path folder = file.toAbsolutePath().getParent();
    return parse(text, folder, name, seen);
  }

  static KeyRing read(Path file) throws KeyFileException {
    return read(file, new LinkedHashMap<>());
  }

  static KeyRing parse(String yaml, Path folder, String name) throws KeyFileException {
    return parse(yaml, folder, name, new LinkedHashMap<>());
  }

  /**
   * SHA-256 of the first {@value #MAX_FILE_BYTES}+1 bytes of {@code file}, as {@link #read} saw
   * them; an empty array when the file cannot be read.
   */
  static byte[] digest(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in.readNBytes(MAX_FILE_BYTES + 1));
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static KeyRing parse(String yaml, Path folder, String name, Map<Path, byte[]> seen) throws KeyFileException {
    Object root = load(yaml, name);
    if (!(root instanceof Map<?, ?> top) || !top.containsKey("keys")) {
      throw new KeyFileException(name + ": no keys (expected: a mapping with a \"keys\" list)");
    }
    for (Object key : top.keySet()) {
      if (!"keys".equals(key)) {
        throw new KeyFileException(name + ": " + shown(key) + ": unknown key (expected only: keys)");
      }
    }
    if (!(top.get("keys") instanceof List<?> entries) || entries.isEmpty()) {
      throw new KeyFileException(name + ": keys: not a list of keys (expected: at least one entry with an id)");
    }
    KeyRing.Builder ring = KeyRing.builder();
    for (int i = 0; i < entries.size(); i++) {
      String where = name + ": keys[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        throw new KeyFileException(where + ": not a mapping (expected: id and hmac, or id and ed25519-public)");
      }
      addEntry(entry, where, folder, ring, seen);
    }
    return ring.build();
  }

  private static void addEntry(Map<?, ?> entry, String where, Path folder, KeyRing.Builder ring, Map<Path, byte[]> seen)
      throws KeyFileException {
    for (Object field : entry.keySet()) {
      if (!ENTRY_FIELDS.contains(field)) {
        throw new KeyFileException(where + "." + shown(field) + ": unknown field (expected: id, hmac or ed25519-public)");
      }
    }
    String id = string(entry, "id", where);
    if (id == null) {
      throw new KeyFileException(where + ".id: missing (expected: " + TokenFormat.KEY_ID_PATTERN + ")");
    }
    List<String> kinds = KEY_FIELDS.stream().filter(entry::containsKey).toList();
    if (kinds.size() != 1) {
      throw new KeyFileException(where + " (" + safeId(id) + "): " + (kinds.isEmpty() ? "no key" : "more than one key")
          + " (expected: exactly one of hmac or ed25519-public)");
    }
    String kind = kinds.get(0);
    String value = string(entry, kind, where);
    if (value == null) {
      throw new KeyFileException(where + "." + kind + ": empty (expected: a key)");
    }
    String field = where + "." + kind + " (" + safeId(id) + ")";
    try {
      if (kind.equals("ed25519-public") || kind.equals("public-key")) {
        String pem = pemText(value, where, folder, seen);
        ring.ed25519(id, Pem.readPublic(pem));
      } else {
        ring.hmac(id, KeyRing.decodeSecret(value, field));
      }
    } catch (IllegalArgumentException e) {
      // Our own messages: they name the field and what is expected, never the value.
      String message = e.getMessage();
      throw new KeyFileException(message.startsWith(field) ? message : field + ": " + message);
    }
  }

  private static String pemText(String value, String where, Path folder, Map<Path, byte[]> seen)
      throws KeyFileException {
    if (value.contains("-----BEGIN ")) {
      return value;
    }
    Path file;
    try {
      file = folder == null ? Path.of(value) : folder.resolve(value);
    } catch (InvalidPathException e) {
      throw new KeyFileException(where + ".ed25519-public: not a path (expected: a PEM file or PEM text)");
    }
    return new String(readBounded(file, where + ".ed25519-public:", seen), StandardCharsets.UTF_8);
  }

  private static String string(Map<?, ?> entry, String field, String where) throws KeyFileException {
    Object value = entry.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      // An unquoted all-digit secret is read as a number, losing leading zeros: refuse, do not guess.
      throw new KeyFileException(where + "." + field + ": not a string (expected: a quoted string)");
    }
    return text;
  }

  /**
   * A field name as given when it reads like a word; otherwise a placeholder, since a misindented
   * secret turns into a field name and must not reach a log.
   */
  private static String shown(Object name) {
    String text = String.valueOf(name);
    boolean word = text.matches("[A-Za-z][A-Za-z0-9_-]{0,31}") && !text.matches("[0-9A-Fa-f]{8,}");
    return word ? text : "(a field)";
  }

  /** The id as given when it is a valid id, else a placeholder: an id in the wrong field could be a secret. */
  private static String safeId(String id) {
    return id.matches(TokenFormat.KEY_ID_PATTERN) ? id : "invalid id";
  }

  private static Object load(String yaml, String name) throws KeyFileException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(16);
    options.setCodePointLimit(MAX_FILE_BYTES);
    try {
      return new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String at = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      throw new KeyFileException(name + ": malformed YAML" + at + " (expected: a YAML key file)");
    } catch (YAMLException e) {
      throw new KeyFileException(name + ": malformed YAML (expected: a YAML key file within the parser's limits)");
    }
  }

  private static byte[] readBounded(Path file, String where, Map<Path, byte[]> seen) throws KeyFileException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      seen.put(file, new byte[0]);
      throw new KeyFileException(where + " cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    seen.put(file, sha256(bytes));
    if (bytes.length > MAX_FILE_BYTES) {
      throw new KeyFileException(where + " " + file + " is over " + MAX_FILE_BYTES + " bytes (expected: a small key file)");
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new KeyFileException(where + " " + file + " is not UTF-8 text (expected: a UTF-8 text file)");
    }
    return bytes;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
