package media.edge.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import media.edge.token.TokenKeyGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keygen}: a new HMAC secret (hex) or Ed25519 key pair (PEM). Without {@code --out} the key is
 * printed; with it, written to files readable by the owner only. Edges need only the public half of
 * an Ed25519 pair, so a stolen edge cannot mint tokens.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, description = "Make a new token key.")
final class KeygenCommand implements Callable<Integer> {
  /** The kinds of key. */
  enum Type {
    hmac,
    ed25519
  }

  @Option(names = "--type", required = true, paramLabel = "hmac|ed25519", description = "Kind of key.")
  Type type;

  @Option(names = "--id", defaultValue = "k1", paramLabel = "K", description = "Key id, used in file names (default ${DEFAULT-VALUE}).")
  String id;

  @Option(names = "--out", paramLabel = "DIR", description = "Write the key into this folder instead of printing it.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    SecureRandom random = new SecureRandom();
    try {
      if (type == Type.hmac) {
        String hex = TokenKeyGenerator.hmacHex(random);
        if (out == null) {
          stdout.println(hex);
        } else {
          Files.createDirectories(out);
          Path file = out.resolve(id + ".hmac");
          TokenKeyGenerator.writeSecret(file, hex + "\n");
          stdout.println(file);
        }
      } else {
        TokenKeyGenerator.Ed25519KeyPair pair = TokenKeyGenerator.ed25519(random);
        if (out == null) {
          stdout.print(pair.privateKeyPem());
          stdout.print(pair.publicKeyPem());
        } else {
          Files.createDirectories(out);
          stdout.println(pair.writeTo(out, id));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return Main.fail(spec.commandLine().getErr(), "--out: " + out + " (expected: a writable folder without these key files; "
          + e.getMessage() + ")");
    }
    stdout.flush();
    return 0;
  }
}
