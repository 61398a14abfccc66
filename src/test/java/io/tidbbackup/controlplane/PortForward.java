package io.tidbbackup.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP forwarder from an address pods reach (the host's end of the node's veth) to a server that
 * listens on loopback only (the API server): what a Service and kube-proxy would be for the
 * in-cluster operator. Test infrastructure; closed with the test.
 */
public final class PortForward implements AutoCloseable {
  private final ServerSocket server;

  public PortForward(String listenAddress, int targetPort) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), 0));
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket in = server.accept();
                  Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  pipe(in.getInputStream(), out.getOutputStream(), in, out);
                  pipe(out.getInputStream(), in.getOutputStream(), in, out);
                } catch (IOException e) {
                  // closed, or one connection refused: the client retries
                }
              }
            },
            "port-forward-" + targetPort);
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private static void pipe(InputStream from, OutputStream to, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              try (a;
                  b) {
                from.transferTo(to);
              } catch (IOException e) {
                // one side closed: both go
              }
            });
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
