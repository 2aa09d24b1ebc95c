package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.Replicator;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections return from {@code commit()}, and from a writing
 * statement run in auto-commit mode, only once the transaction is as durable as the configured
 * {@link Durability} asks (see {@link Replicator#awaitDurable(Durability, Duration)}). A
 * transaction that is committed in the database but not durable in time is an {@link
 * SQLException} saying so: the caller learns it cannot count on it, never silently.
 *
 * <p>In auto-commit mode, {@code executeUpdate}, {@code executeLargeUpdate}, {@code
 * executeBatch} and an {@code execute} that returned no result set wait; queries do not.
 *
 * <p>Its connections take turns for {@code executeUpdate}, {@code executeLargeUpdate}, {@code
 * executeBatch} and {@code executeLargeBatch} in auto-commit mode: writers that one shipment
 * releases together would otherwise all reach for SQLite's write lock at once, and each loser
 * would sleep in SQLite's busy handler (1, 2, 5, 10 ms… between tries) for a lock held a
 * fraction of a millisecond. Waiting in turn, each is woken when the one before is done.
 */
public final class DurableDataSource implements DataSource {
  private static final Set<String> WRITES = Set.of("executeUpdate", "executeLargeUpdate",
      "executeBatch", "executeLargeBatch");
  private final DataSource delegate;
  private final Replicator replicator;
  private final Durability durability;
  private final Duration timeout;
  /** Whose turn it is to write in auto-commit mode; see the class comment. */
  private final ReentrantLock turn = new ReentrantLock(true);

  /**
   * Wraps {@code delegate}, whose database {@code replicator} replicates: commits wait in
   * {@code durability} for at most {@code timeout}.
   *
   * @param delegate the application's data source, opening connections to the replicated database
   * @param replicator the running stream of that database; commits wait on its progress
   * @param durability how far a commit must have gone (e.g. shipped to the repository) before
   *     {@code commit()} returns
   * @param timeout the longest a commit waits; past it, the commit fails with an {@link
   *     SQLException} although the transaction stays committed in the database
   */
  public DurableDataSource(DataSource delegate, Replicator replicator, Durability durability,
      Duration timeout) {
    this.delegate = delegate;
    this.replicator = replicator;
    this.durability = durability;
    this.timeout = timeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  /** Waits for the configured durability; a failure is an SQLException naming the mode. */
  void awaitDurable() throws SQLException {
    try {
      replicator.awaitDurable(durability, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("committed, but interrupted while waiting for it to be durable ("
          + durability + ")", e);
    } catch (TimeoutException | IOException | BulwarkException e) {
      throw new SQLException("committed in the database, but not durable (" + durability
          + ") within " + timeout.toMillis() + " ms: " + e.getMessage(), "08006", e);
    }
  }

  private Connection wrap(Connection c) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new ConnectionHandler(c));
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection connection;

    ConnectionHandler(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      Object result = call(connection, m, args);
      if (m.getName().equals("commit")) {
        awaitDurable();
      } else if (result instanceof Statement s && !m.getName().equals("unwrap")) {
        // Statement, PreparedStatement or CallableStatement, as the method declares.
        return Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[] {m.getReturnType()},
            new StatementHandler(connection, s, (Connection) proxy));
      }
      return result;
    }
  }

  private final class StatementHandler implements InvocationHandler {
    private final Connection connection;
    private final Statement statement;
    private final Connection proxy;

    StatementHandler(Connection connection, Statement statement, Connection proxy) {
      this.connection = connection;
      this.statement = statement;
      this.proxy = proxy;
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
      if (m.getName().equals("getConnection")) {
        return proxy;
      }
      boolean writes = WRITES.contains(m.getName());
      boolean inTurn = writes && connection.getAutoCommit();
      Object result = inTurn ? inTurn(statement, m, args) : call(statement, m, args);
      boolean wrote = writes || (m.getName().equals("execute") && Boolean.FALSE.equals(result));
      if (wrote && (inTurn || connection.getAutoCommit())) {
        awaitDurable();
      }
      return result;
    }
  }

  /**
   * Runs a write when the writes before it are done. A turn that does not come within the
   * timeout (a write held up by another process's lock) is not waited for longer: the write
   * then meets SQLite's lock and its busy timeout on its own, as it would without this class.
   */
  private Object inTurn(Statement statement, Method m, Object[] args) throws Throwable {
    boolean mine;
    try {
      mine = turn.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting to write", e);
    }
    try {
      return call(statement, m, args);
    } finally {
      if (mine) {
        turn.unlock();
      }
    }
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
