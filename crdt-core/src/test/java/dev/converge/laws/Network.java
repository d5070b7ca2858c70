package dev.converge.laws;

import dev.converge.Lattice;
import dev.converge.ReplicaId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated network of 3-5 replicas exchanging whole states: messages are reordered,
 * duplicated and dropped. After the run, a final full exchange must leave every replica equal, and
 * equal to the merge of all states.
 *
 * @param <T> the lattice type
 */
public final class Network<T extends Lattice<T>> {

  private record Message<T>(int to, T state) {}

  private final Model<T> model;
  private final List<T> states = new ArrayList<>();
  private final List<Message<T>> inFlight = new ArrayList<>();
  private final StringBuilder log = new StringBuilder();
  private int delivered;
  private int dropped;
  private int duplicated;

  private Network(Model<T> model, int replicas) {
    this.model = model;
    for (int i = 0; i < replicas; i++) {
      states.add(model.empty());
    }
  }

  /** Runs one random history of {@code steps} steps; returns the replicas' states before the final exchange. */
  public static <T extends Lattice<T>> Network<T> run(Model<T> model, SplittableRandom random, int steps) {
    Network<T> net = new Network<>(model, 3 + random.nextInt(3));
    int n = net.states.size();
    World<T> world = World.of(net.states);
    for (int s = 0; s < steps; s++) {
      int kind = random.nextInt(10);
      if (kind < 4) {
        int r = random.nextInt(n);
        Operation<T> op = model.randomOperation(random, n);
        net.states.set(r, op.apply(r, world));
        net.log.append("\n    r").append(r).append(": ").append(op);
      } else if (kind < 7) {
        int from = random.nextInt(n);
        int to = (from + 1 + random.nextInt(n - 1)) % n;
        net.inFlight.add(new Message<>(to, net.states.get(from)));
        net.log.append("\n    r").append(from).append(" sends to r").append(to);
      } else if (!net.inFlight.isEmpty()) {
        int m = random.nextInt(net.inFlight.size()); // any message: reordering
        Message<T> msg = net.inFlight.get(m);
        int fate = random.nextInt(10);
        if (fate == 0) {
          net.inFlight.remove(m);
          net.dropped++;
          net.log.append("\n    message to r").append(msg.to()).append(" dropped");
          continue;
        }
        if (fate == 1) {
          net.duplicated++; // delivered now and stays in flight: delivered again later
        } else {
          net.inFlight.remove(m);
        }
        net.states.set(msg.to(), net.states.get(msg.to()).merge(msg.state()));
        net.delivered++;
        net.log.append("\n    r").append(msg.to()).append(" receives");
      }
    }
    return net;
  }

  /** The replicas' current states. */
  public List<T> states() {
    return List.copyOf(states);
  }

  /** Every replica sends its state to every other; returns the states afterwards. */
  public List<T> fullExchange() {
    List<T> before = List.copyOf(states);
    for (int to = 0; to < states.size(); to++) {
      T s = states.get(to);
      for (T other : before) {
        s = s.merge(other);
      }
      states.set(to, s);
    }
    return List.copyOf(states);
  }

  /** The merge of every state, folded from the empty state. */
  public T mergeOfAll() {
    T all = model.empty();
    for (T s : states) {
      all = all.merge(s);
    }
    return all;
  }

  public int delivered() {
    return delivered;
  }

  public int dropped() {
    return dropped;
  }

  public int duplicated() {
    return duplicated;
  }

  @Override
  public String toString() {
    return states.size() + " replicas:" + log;
  }
}
