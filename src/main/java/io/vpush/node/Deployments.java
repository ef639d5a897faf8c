package io.vpush.node;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A node's verticles by the step of the shutdown that stops them; deployed in start order, undeployed by group. */
final class Deployments {

  /** When a group of verticles stops (architecture.md, graceful stop). */
  enum Group { CLUSTER, HTTP, INTAKE }

  private record Deployed(Group group, String id) {}

  private final Vertx vertx;
  private final List<Deployed> deployed = new ArrayList<>();

  Deployments(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Deploys {@code instances} of a verticle, each on its own event loop (Vert.x spreads them). */
  Future<String> deploy(Group group, Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)).onSuccess(id -> {
      synchronized (deployed) {
        deployed.add(new Deployed(group, id));
      }
    });
  }

  /** Undeploys a group, the latest deployed first; completes when all are down (failures included). */
  Future<Void> undeploy(Group group) {
    List<Future<?>> undeployed = new ArrayList<>();
    synchronized (deployed) {
      for (int i = deployed.size() - 1; i >= 0; i--) {
        if (deployed.get(i).group() == group) undeployed.add(vertx.undeploy(deployed.remove(i).id()));
      }
    }
    return Future.join(undeployed).mapEmpty();
  }
}
