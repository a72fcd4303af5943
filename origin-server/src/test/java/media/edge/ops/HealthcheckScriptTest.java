package media.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code docker/healthcheck.sh}, the image's HEALTHCHECK, against a real admin port and a closed one. */
class HealthcheckScriptTest {
  @RegisterExtension static final TestServer SERVER = TestServer.create();

  @Test
  void healthcheck_adminPortAnswers_exits0() throws Exception {
    Tools.require("bash", "--version");

    Repo.Run run = healthcheck(Map.of("ORIGIN_ADMIN_PORT", Integer.toString(SERVER.adminPort())));

    assertThat(run.exit()).as(run.out()).isZero();
  }

  @Test
  void healthcheck_serverPortSetting_isUsedWhenNoOverride() throws Exception {
    Tools.require("bash", "--version");

    Repo.Run run = healthcheck(Map.of("EDGE_SERVER_ADMIN_PORT", Integer.toString(SERVER.adminPort())));

    assertThat(run.exit()).as(run.out()).isZero();
  }

  @Test
  void healthcheck_dataPortAnswers404ForHealthz_exits1() throws Exception {
    Tools.require("bash", "--version");

    Repo.Run run = healthcheck(Map.of("ORIGIN_ADMIN_PORT", Integer.toString(SERVER.port())));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains("healthz: HTTP/1.1 404");
  }

  @Test
  void healthcheck_nothingListening_exits1() throws Exception {
    Tools.require("bash", "--version");

    Repo.Run run = healthcheck(Map.of("ORIGIN_ADMIN_PORT", "1"));

    assertThat(run.exit()).isEqualTo(1);
  }

  private static Repo.Run healthcheck(Map<String, String> env) throws Exception {
    return Repo.run(List.of("bash", Repo.path("docker/healthcheck.sh").toString()), env, 20);
  }
}
