package media.edge.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import media.edge.config.RawValue.Shape;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Reads the YAML configuration file into {@link Values}, each value with its {@code file:line:column}.
 * The file is untrusted input to a parser, so it is read with limits (size, aliases, nesting) and only
 * composed into nodes, never constructed into objects; keys are checked against {@link Settings} as
 * they are met, so the first error in the file is the one reported.
 *
 * <p>Stateless; safe to call from any thread.
 */
final class YamlFile {

  /** Configuration files are small; anything bigger is a mistake or an attack on the parser. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Enough for a reused origin list; far too few for a "billion laughs" expansion. */
  private static final int MAX_ALIASES = 10;

  /** Our keys nest three levels; a little slack, then refuse pathological nesting. */
  private static final int MAX_NESTING = 16;

  private YamlFile() {}

  /** Sets in {@code values} every key that {@code file} names; an empty file, or one of comments, sets none. */
  static void apply(Path file, Values values) throws ConfigException {
    String name = file.toString();
    byte[] bytes = readBounded(file, name);
    Node root;
    try {
      root = newYaml().compose(new UnicodeReader(new ByteArrayInputStream(bytes)));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = Objects.toString(e.getProblem(), "syntax error");
      throw ConfigException.file(name, "malformed YAML" + where + ": " + problem);
    } catch (YAMLException e) {
      // Not marked: bad encoding, or a loader limit (aliases, nesting, size) was hit.
      if (e.getCause() instanceof CharacterCodingException) {
        throw ConfigException.file(name, "not UTF-8 text (expected: a UTF-8 YAML file)");
      }
      throw ConfigException.file(name, "malformed YAML: " + e.getMessage());
    }
    if (root == null || isNull(root)) {
      return; // empty file, or only comments: all defaults
    }
    if (!(root instanceof MappingNode map)) {
      throw ConfigException.file(name, show(root) + " (expected: " + mapWithKeysBelow("") + ")");
    }
    applyMapping(map, "", name, values);
  }

  private static byte[] readBounded(Path file, String name) throws ConfigException {
    if (Files.isDirectory(file)) {
      throw ConfigException.file(name, "is a directory (expected: a YAML file)");
    }
    byte[] bytes;
    // Read at most one byte past the limit: Files.size() is 0 for devices and pipes.
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw ConfigException.file(name, "no such file (expected: a readable YAML file)");
    } catch (AccessDeniedException e) {
      throw ConfigException.file(name, "permission denied (expected: a readable YAML file)");
    } catch (IOException e) {
      String problem = "cannot read: " + e.getClass().getSimpleName();
      throw ConfigException.file(name, problem + " (expected: a readable YAML file)");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw ConfigException.file(
          name, "more than " + MAX_FILE_BYTES + " bytes (expected: a YAML file of at most 1 MiB)");
    }
    return bytes;
  }

  private static Yaml newYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_FILE_BYTES);
    options.setAllowRecursiveKeys(false);
    // Only compose() is used, so no object is ever constructed from the document; the safe constructor
    // is belt and braces should someone call load() on this instance later.
    return new Yaml(new SafeConstructor(options));
  }

  /** Walks one YAML mapping; {@code prefix} is the dotted path so far ("" or "server."). */
  private static void applyMapping(MappingNode map, String prefix, String file, Values values)
      throws ConfigException {
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : map.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Node valueNode = tuple.getValueNode();
      String key = prefix + (keyNode instanceof ScalarNode s ? s.getValue() : show(keyNode));
      String keySource = at(file, keyNode);
      Setting<?> setting = Settings.byKey(key);
      boolean section = setting == null && Settings.isSection(key);
      if (setting == null && !section) {
        throw ConfigException.unknownKey(keySource, key, Settings.children(prefix));
      }
      if (!seen.add(key)) {
        throw ConfigException.problem(keySource, key, "duplicate key", "each key once");
      }
      if (setting != null) {
        checkItemFieldsOnce(valueNode, setting, file);
        values.set(setting, leafValue(valueNode), at(file, valueNode));
      } else if (valueNode instanceof MappingNode child) {
        applyMapping(child, key + ".", file, values);
      } else if (!isNull(valueNode)) { // "server:" with every key commented out is fine
        throw ConfigException.invalid(at(file, valueNode), key, show(valueNode), mapWithKeysBelow(key + "."));
      }
    }
  }

  /**
   * A mapping that is a list item ({@code tokens.keys: [{id: k1, id: k2}]}) repeats no field, like every
   * other mapping of the file; {@link #leafValue} would otherwise keep only the last.
   */
  private static void checkItemFieldsOnce(Node valueNode, Setting<?> setting, String file) throws ConfigException {
    if (!(valueNode instanceof SequenceNode seq)) {
      return;
    }
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof MappingNode map) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : map.getValue()) {
          String name = fieldName(tuple.getKeyNode());
          if (!seen.add(name)) {
            String key = setting.key() + "[" + i + "]." + RawValue.name(name, setting.sensitive());
            throw ConfigException.problem(at(file, tuple.getKeyNode()), key, "duplicate key", "each key once");
          }
        }
      }
    }
  }

  /**
   * A YAML value as the parsers see it (see {@link RawValue}): a scalar's text ({@code null} for YAML
   * null), a list of such texts and of one-level maps (a list of records such as {@code tokens.keys}),
   * or a {@link Shape} where a scalar cannot be. Anything nested deeper becomes a {@link Shape}, so the
   * walk is bounded, which also keeps self-referencing aliases from recursing.
   */
  private static Object leafValue(Node node) {
    if (node instanceof SequenceNode seq) {
      List<Object> items = new ArrayList<>();
      for (Node item : seq.getValue()) {
        items.add(item instanceof MappingNode map ? fields(map) : scalarOrShape(item));
      }
      return items;
    }
    return scalarOrShape(node);
  }

  /** A list item's map: field name to text, {@code null} or {@link Shape}; a repeated name keeps the last. */
  private static Map<String, Object> fields(MappingNode map) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : map.getValue()) {
      fields.put(fieldName(tuple.getKeyNode()), scalarOrShape(tuple.getValueNode()));
    }
    return fields;
  }

  private static String fieldName(Node keyNode) {
    return keyNode instanceof ScalarNode s ? s.getValue() : scalarOrShape(keyNode).toString();
  }

  private static Object scalarOrShape(Node node) {
    if (node instanceof ScalarNode scalar) {
      return isNull(scalar) ? null : scalar.getValue();
    }
    return node instanceof SequenceNode ? Shape.LIST : Shape.MAP;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  /** A node where a key name or a section's map belongs, as a message shows it: neither is a setting's value. */
  private static String show(Node node) {
    return RawValue.show(leafValue(node), false);
  }

  /** What a section expects: {@code a map with keys bind, port, ...}. */
  private static String mapWithKeysBelow(String prefix) {
    return "a map with keys " + String.join(", ", Settings.children(prefix));
  }

  /** {@code edge.yaml:3:9}: one-based line and column, as editors count. */
  private static String at(String file, Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? file : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
