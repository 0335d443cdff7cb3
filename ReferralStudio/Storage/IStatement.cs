namespace ReferralStudio.Storage;

/// <summary>
/// One SQL statement of the attribution writer, prepared once on the processor's connection and run many times with
/// its parameters bound by position (1-based, in the order they first appear in the SQL). Each engine implements it on
/// its own driver (<see cref="Sqlite.PreparedStatement"/>); the writer's SQL is written once for both, in the subset
/// SQLite and PostgreSQL share. Used by one thread at a time, inside whatever transaction its session has open.
/// </summary>
public interface IStatement : IDisposable
{
    void Bind(int index, long value);

    void Bind(int index, long? value);

    void Bind(int index, bool value);

    void Bind(int index, DateTimeOffset value);

    void Bind(int index, DateTimeOffset? value);

    void Bind(int index, string? value);

    /// <summary>Binds a list of strings as the engine stores a primitive collection (SQLite: a JSON array; PostgreSQL: <c>text[]</c>).</summary>
    void Bind(int index, IReadOnlyList<string> values);

    /// <summary>Binds UTF-8 text as it is (the span may be reused after the call).</summary>
    void BindUtf8(int index, ReadOnlySpan<byte> value);

    void BindNull(int index);

    /// <summary>Runs a statement that returns no rows; returns the number of rows it changed.</summary>
    int Execute();

    /// <summary>
    /// Runs a statement whose outcome the caller does not need, in order with every other: at once on SQLite; on
    /// PostgreSQL queued (with its values as bound now) and sent with the next statement that returns something, or at
    /// commit, so many cost one round trip.
    /// </summary>
    void ExecuteDeferred();

    /// <summary>
    /// Runs an INSERT prepared with <see cref="IWriterSession.PrepareInsert"/> and returns the new row's id, or null when
    /// it inserted nothing (an ON CONFLICT DO NOTHING that hit the conflict). Where the session
    /// <see cref="IWriterSession.DefersInserts"/>, the id is taken ahead from the table's sequence and the row is sent like
    /// <see cref="ExecuteDeferred"/>: the caller has ruled out conflicts, and a conflict fails the transaction.
    /// </summary>
    long? ExecuteInsert();

    /// <summary>Runs a query and returns its first row's first column as an integer, or null when there is no row.</summary>
    long? ExecuteScalarInt64();

    /// <summary>
    /// Advances to the next row (true) or the end (false). Read columns with the getters, then call
    /// <see cref="Reset"/> (always, also after an exception) before the statement runs again.
    /// </summary>
    bool Step();

    /// <summary>Ends this run so the statement can run again; bindings are replaced on the next run.</summary>
    void Reset();

    /// <summary>
    /// Runs this query once for each of <paramref name="items"/>, bound by <paramref name="bind"/>, and hands each run's
    /// rows to <paramref name="read"/>, which advances with <see cref="Step"/> (no <see cref="Reset"/>: this method ends
    /// each run). On PostgreSQL every run goes in one round trip; on SQLite they run one after another.
    /// </summary>
    void ReadEach<T>(IReadOnlyList<T> items, Action<IStatement, T> bind, Action<IStatement, T> read);

    bool IsNull(int column);

    long GetInt64(int column);

    long? GetInt64OrNull(int column);

    bool GetBoolean(int column);

    DateTimeOffset GetDateTime(int column);

    DateTimeOffset? GetDateTimeOrNull(int column);

    string? GetString(int column);

    /// <summary>
    /// The column's text, as <paramref name="known"/> itself when it holds the same text: a value the caller already
    /// has (a lookup key) is not allocated again.
    /// </summary>
    string? GetString(int column, string known);
}

/// <summary>
/// The attribution processor's connection as the engine-neutral <see cref="AttributionWriter"/> sees it: statements,
/// the transaction, ids for new conversations, and the few statements whose SQL differs between engines.
/// </summary>
public interface IWriterSession : IDisposable
{
    IStatement Prepare(string sql, params string[] parameters);

    /// <summary>
    /// True where statements are sent in batches, each read costing a round trip (PostgreSQL): inserts take their ids ahead
    /// and never answer a conflict, so callers read what might conflict ahead, a batch at a time. False where each
    /// statement runs at once in the process (SQLite).
    /// </summary>
    bool DefersInserts { get; }

    /// <summary>An INSERT whose <see cref="IStatement.ExecuteInsert"/> returns the new row's <c>Id</c>.</summary>
    IStatement PrepareInsert(string sql, params string[] parameters);

    /// <summary>
    /// An INSERT INTO table (columns) VALUES (parameters or constants) of rows that are always new and that no later write
    /// of the transaction depends on not being there yet: the engine may write them in bulk ahead of its other deferred
    /// statements (PostgreSQL: binary COPY). Run with <see cref="IStatement.ExecuteDeferred"/>, or with
    /// <see cref="IStatement.ExecuteInsert"/> when <paramref name="returnsId"/>.
    /// </summary>
    IStatement PrepareAppend(string sql, bool returnsId, params string[] parameters);

    /// <summary>Indexes a conversation's name and username for the feed's search ($id, $name, $username); null when the engine indexes the row itself.</summary>
    IStatement? PrepareNameIndexAdd();

    /// <summary>Removes what <see cref="PrepareNameIndexAdd"/> indexed ($id, $name, $username, the values it indexed).</summary>
    IStatement? PrepareNameIndexRemove();

    /// <summary>
    /// <paramref name="expression"/> as compared ignoring case: as it is on SQLite, whose columns carry the NOCASE
    /// collation, and <c>lower(...)</c> on PostgreSQL, whose indexes are on <c>lower(...)</c>.
    /// </summary>
    string IgnoringCase(string expression);

    /// <summary>
    /// The condition "is one of the list bound to <paramref name="parameter"/>" (bound with
    /// <see cref="IStatement.Bind(int, IReadOnlyList{string})"/>), to follow an expression: <c>IN (SELECT value FROM
    /// json_each(...))</c> on SQLite, <c>= ANY(...)</c> on PostgreSQL.
    /// </summary>
    string AnyOf(string parameter);

    /// <summary>The id the next new conversation of the open transaction gets (its row is inserted at commit).</summary>
    long NextConversationId();

    void Begin();

    void Commit();

    void Rollback();

    /// <summary>Between transactions, after the commit was announced: the engine's upkeep (SQLite rewinds its log here).</summary>
    void Settle();
}
