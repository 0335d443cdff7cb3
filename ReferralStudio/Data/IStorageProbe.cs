namespace ReferralStudio.Data;

/// <summary>
/// What readiness and the metrics ask of the storage engine, each one cheap read. An engine implements it
/// (<see cref="Storage.Sqlite.SqliteStorageProbe"/>); nothing here may hold a lock the writers wait for.
/// </summary>
public interface IStorageProbe
{
    /// <summary>One trivial query on the main database and on the inbox; throws when either cannot be read.</summary>
    void Ping();

    /// <summary>
    /// When the oldest delivery still pending after id <paramref name="after"/> (the processed watermark) was received;
    /// null when none is. One read of the inbox's primary key.
    /// </summary>
    DateTimeOffset? OldestPendingReceivedAt(long after);
}
