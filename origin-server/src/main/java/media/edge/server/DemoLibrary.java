package media.edge.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The built-in demo: a small ffmpeg-made HLS title shipped inside the jar under {@code demo/},
 * copied to a temporary library so that it is served by exactly the code that serves a real one.
 */
public final class DemoLibrary {
  static final String FOLDER = "demo";
  static final String MASTER = FOLDER + "/master.m3u8";

  private DemoLibrary() {}

  /** Copies the demo into a new temporary folder (deleted at exit) and returns that library root. */
  static Path extract() throws IOException {
    Path root = Files.createTempDirectory("edge-demo-");
    copyTo(root.resolve(FOLDER));
    deleteOnExit(root);
    return root;
  }

  /** Copies the demo title, from the jar or the class folder, into {@code target}. */
  public static void copyTo(Path target) throws IOException {
    URL marker = DemoLibrary.class.getClassLoader().getResource(MASTER);
    if (marker == null) {
      throw new IOException("the demo is missing from the classpath (" + MASTER + ")");
    }
    try {
      URI uri = marker.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.getPath("/" + FOLDER), target);
        }
      } else {
        copyTree(Path.of(uri).getParent(), target);
      }
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the demo: " + e.getMessage(), e);
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.collect(Collectors.toList());
    }
    for (Path file : files) {
      Path destination = target.resolve(source.relativize(file).toString());
      if (Files.isDirectory(file)) {
        Files.createDirectories(destination);
      } else {
        try (InputStream in = Files.newInputStream(file)) {
          Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteOnExit(Path root) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Stream<Path> walk = Files.walk(root)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                  } catch (IOException e) {
                    // a temporary folder left behind is harmless
                  }
                },
                "edge-demo-cleanup"));
  }
}
