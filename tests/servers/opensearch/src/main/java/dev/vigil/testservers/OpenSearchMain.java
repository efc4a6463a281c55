package dev.vigil.testservers;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts a single-node OpenSearch 2.x inside this JVM for Vigil's integration tests.
 *
 * <p>Arguments: {@code <basePath> <httpPort> <transportPort> <readyFile> [parentPid]}. When the node is up and
 * the cluster is at least yellow, writes {@code http://127.0.0.1:<httpPort>} to {@code readyFile} and prints a
 * {@code VIGIL_OPENSEARCH_READY} line. Stops cleanly on SIGTERM/SIGINT, and on its own when {@code parentPid}
 * (the process that started it) is gone, so a crashed test run never leaves a node behind.
 */
public final class OpenSearchMain {
    private OpenSearchMain() {}

    public static void main(final String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: OpenSearchMain <basePath> <httpPort> <transportPort> <readyFile> [parentPid]");
            System.exit(2);
        }
        final String basePath = args[0];
        final String httpPort = args[1];
        final String transportPort = args[2];
        final Path readyFile = Paths.get(args[3]);
        final long parentPid = args.length > 4 ? Long.parseLong(args[4]) : -1L;

        final OpenSearchRunner runner = new OpenSearchRunner();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("vigil-opensearch: error while closing: " + e);
            }
            stopped.countDown();
        }));

        runner.onBuild((number, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", true);
        }).build(newConfigs().basePath(basePath).numOfNode(1).clusterName("vigil-test").printOnFailure());

        runner.ensureYellow();
        final String url = "http://127.0.0.1:" + httpPort;
        final Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.write(tmp, url.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, readyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("VIGIL_OPENSEARCH_READY " + url);

        if (parentPid > 0) {
            final Thread watchdog = new Thread(() -> {
                final Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
                while (parent.isPresent() && parent.get().isAlive()) {
                    try {
                        Thread.sleep(2000);
                    } catch (final InterruptedException e) {
                        return;
                    }
                }
                System.err.println("vigil-opensearch: parent process " + parentPid + " is gone, stopping");
                System.exit(0);
            }, "vigil-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        stopped.await();
    }
}
