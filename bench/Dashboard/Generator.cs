using System.Data.Common;
using System.Globalization;

internal sealed record Data(int Touches, int Conversations, int Conversions, int Triggers, int Refs, int Events, int Firings, long[] TriggerIds, string[] Prefixes, string[] Participants,
    string[] Names, string[] Usernames, string[] RefList)
{
    public string Participant(Random random) => Participants[random.Next(Participants.Length)];

    public string Pick(string[] values, Random random) => values[random.Next(values.Length)];

    /// <summary>A piece of <paramref name="value"/>, <paramref name="min"/> to <paramref name="max"/> characters long, in random case.</summary>
    public static string Fragment(string value, Random random, int min, int max)
    {
        var length = Math.Min(value.Length, random.Next(min, max + 1));
        var piece = value.Substring(random.Next(value.Length - length + 1), length);
        return random.Next(2) == 0 ? piece.ToUpperInvariant() : piece;
    }
}

/// <summary>
/// Where <see cref="Generator"/> puts its rows: one implementation per engine (<see cref="SqliteRows"/>,
/// <see cref="PostgresRows"/>), so both engines get the same content from one generator. Ids are the generator's.
/// </summary>
internal interface IRowWriter : IDisposable
{
    /// <summary>An enabled trigger tagging <c>campaign:x</c>, matching on any platform and ad.</summary>
    void Trigger(long id, string name, string pattern, long at);

    void Conversation(long id, string platform, string account, string participant, string? name, string? username, long created, long lastActivity,
        long windowExpires, long firstTouch, long firstTouchAt, long latestTouch, long latestTouchAt);

    /// <summary>A campaign touch of type OPEN_THREAD, received 700 ms after it occurred.</summary>
    void Touch(long id, long conversation, string code, string source, string arrival, long at, string? ad, long? trigger, string platform, string account, string participant);

    /// <summary>The conversation's first message (delivery <paramref name="delivery"/>), received 500 ms after it occurred.</summary>
    void Message(long delivery, string messageId, string platform, string account, string participant, long at, long conversation);

    void Firing(long trigger, long conversation, long touch, long at);

    /// <summary>The conversation's <c>campaign:x</c> tag, added by <paramref name="trigger"/>.</summary>
    void Tag(long conversation, long trigger, long at);

    /// <summary>A conversion in EUR crediting <paramref name="firstTouch"/> and <paramref name="lastTouch"/>.</summary>
    void Conversion(long conversation, string type, double value, long at, string externalId, long firstTouch, long lastTouch);

    /// <summary>Called every 20,000 conversations (SQLite commits there).</summary>
    void Checkpoint();

    /// <summary>Makes everything written durable and the ids given explicitly the tables' next ones.</summary>
    void Complete();
}

/// <summary>
/// The data: 30 days, 3 platforms, ~50 triggers, ~2,000 refs (Zipf-like popularity), about 5 touches per conversation,
/// a conversion for ~10% of conversations credited to first and last touch. 90 % of conversations have a display name
/// (60 first names by 60 last names), Instagram ones mostly a username.
/// </summary>
internal static class Generator
{
    private static readonly string[] Arrivals = ["standalone", "first_message", "postback", "ad", "prefilled_text"];

    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hannah", "Ibrahim", "Jana", "Jürgen", "Karla", "Leon", "Mia", "Noah",
        "Olga", "Paul", "Qiang", "Rosa", "Sami", "Tara", "Umut", "Vera", "Wei", "Xenia", "Yusuf", "Zoë", "Amélie", "Bruno", "Chiara",
        "Diego", "Emma", "Felix", "Giulia", "Hugo", "Ines", "Jonas", "Kemal", "Lena", "Marco", "Nina", "Oskar", "Pia", "Rafael", "Sofia",
        "Theo", "Ursula", "Valentin", "Wiebke", "Yara", "Zeynep", "Aisha", "Bjørn", "Carmen", "Dmitri", "Eva", "Fatima", "Gustav", "Helga", "Ivan",
    ];

    private static readonly string[] LastNames =
    [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
        "Yılmaz", "Kaya", "Demir", "Rossi", "Russo", "Ferrari", "García", "Martínez", "López", "Nowak", "Kowalski", "Wiśniewski", "Dubois",
        "Moreau", "Laurent", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Nguyen", "Tran", "Kim", "Lee", "Chen", "Wang", "Silva", "Santos",
        "Oliveira", "Jensen", "Nielsen", "Hansen", "Andersson", "Johansson",
    ];

    public static Data Fill(IRowWriter rows, DateTimeOffset now, int touchCount, int conversationCount, int seed)
    {
        var random = new Random(seed);

        // Triggers: 40 exact codes and 10 patterns.
        var refs = new List<(string Ref, long? Trigger)>();
        var triggerIds = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var pattern = i < 40 ? $"code_{i}" : $"family{i}_*";
            var id = i + 1L;
            rows.Trigger(id, $"Trigger {i}", pattern, now.AddDays(-90).ToUnixTimeMilliseconds());
            triggerIds.Add(id);
            if (i < 40)
            {
                refs.Add((pattern, id));
            }
            else
            {
                for (var k = 0; k < 150; k++)
                {
                    refs.Add(($"family{i}_creator{k}", id));
                }
            }
        }

        // Refs no trigger matches.
        for (var k = 0; k < 460; k++)
        {
            refs.Add(($"loose_{k}", null));
        }

        var platforms = new[] { "instagram", "messenger", "whatsapp" };
        var accounts = new[] { "17841400000000001", "106540352242922", "106540352242900" };
        var start = now.AddDays(-30).ToUnixTimeMilliseconds();
        var span = now.ToUnixTimeMilliseconds() - start - 60_000;
        var participants = new string[Math.Min(conversationCount, 5000)];
        var names = new List<string>();
        var usernames = new List<string>();
        // Names come from a random of their own, so the touches are the same as before names were generated.
        var people = new Random(seed + 1);
        int touchesMade = 0, conversions = 0, events = 0, firings = 0;

        var touchTimes = new List<long>();
        long touchId = 0;
        for (var c = 1; c <= conversationCount; c++)
        {
            // Touches left spread over the conversations left, 1 to ~15 per conversation.
            var remaining = touchCount - touchesMade;
            var left = conversationCount - c + 1;
            var mean = remaining / (double)left;
            var n = c == conversationCount ? remaining : Math.Clamp((int)Math.Round(-Math.Log(1 - random.NextDouble()) * (mean - 1)) + 1, 1, Math.Max(1, remaining - (left - 1)));
            var p = random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 };
            var participant = p switch { 0 => "IGSID-", 1 => "PSID-", _ => "49170" } + c.ToString(CultureInfo.InvariantCulture);
            if (c <= participants.Length)
            {
                participants[c - 1] = participant;
            }

            var first = start + (long)(random.NextDouble() * span);
            touchTimes.Clear();
            touchTimes.Add(first);
            for (var k = 1; k < n; k++)
            {
                touchTimes.Add(Math.Min(start + span, first + (long)(random.NextDouble() * random.NextDouble() * 10 * 86_400_000L)));
            }

            touchTimes.Sort();
            var firstId = touchId + 1;
            var latestId = touchId + n;
            var (firstName, lastName) = (FirstNames[people.Next(FirstNames.Length)], LastNames[people.Next(LastNames.Length)]);
            var name = people.Next(10) == 0 ? null : $"{firstName} {lastName}";
            var username = p switch
            {
                0 when people.Next(10) > 0 => $"{firstName}.{lastName}{people.Next(1000)}".ToLowerInvariant(),
                2 when people.Next(5) == 0 => $"@{firstName}_{lastName}".ToLowerInvariant(),
                _ => null,
            };
            if (c <= participants.Length)
            {
                if (name is not null)
                {
                    names.Add(name);
                }

                if (username is not null)
                {
                    usernames.Add(username);
                }
            }

            rows.Conversation(c, platforms[p], accounts[p], participant, name, username, first, touchTimes[^1], touchTimes[^1] + 86_400_000L, firstId, first, latestId, touchTimes[^1]);
            var tagged = false;
            foreach (var at in touchTimes)
            {
                touchId++;
                // Zipf-like popularity: a few codes get most of the traffic.
                var (code, trigger) = refs[(int)(refs.Count * Math.Pow(random.NextDouble(), 2.5))];
                var arrival = Arrivals[random.Next(Arrivals.Length)];
                var ad = arrival == "ad" ? $"1202100000{random.Next(300):D8}" : null;
                rows.Touch(touchId, c, code, arrival == "ad" ? "ADS" : "SHORTLINKS", arrival, at, ad, trigger, platforms[p], accounts[p], participant);
                if (trigger is { } tr)
                {
                    rows.Firing(tr, c, touchId, at);
                    // Every trigger tags the same label: the first firing adds it, later ones find it there.
                    if (!tagged)
                    {
                        rows.Tag(c, tr, at);
                        tagged = true;
                    }

                    firings++;
                }
            }

            touchesMade += n;
            rows.Message(c, $"m_{c}", platforms[p], accounts[p], participant, first + 1000, c);
            events++;
            if (random.Next(10) == 0)
            {
                var at = Math.Min(start + span, touchTimes[^1] + (long)(random.NextDouble() * 3 * 86_400_000L));
                var purchase = random.Next(3) > 0;
                rows.Conversion(c, purchase ? "purchase" : "signup", purchase ? 20 + random.Next(200) : 0.0, at, $"order-{c}", firstId, latestId);
                conversions++;
            }

            if (c % 20_000 == 0)
            {
                rows.Checkpoint();
            }
        }

        rows.Complete();
        var prefixes = refs.Select(r => r.Ref.Length > 6 ? r.Ref[..6] : r.Ref).Distinct().Concat(["family4", "code_1", "loose_1"]).ToArray();
        return new Data(touchesMade, conversationCount, conversions, triggerIds.Count, refs.Count, events, firings, [.. triggerIds], prefixes, participants,
            [.. names], [.. usernames], [.. refs.Select(r => r.Ref)]);
    }

    /// <summary>
    /// The samples the cases draw from, read back from a database <see cref="Fill"/> wrote (the same sets: the first
    /// 5,000 conversations' ids, names and usernames, every ref), and the time it was written at. The SQL is unquoted, so it
    /// reads either engine's names (PostgreSQL folds them to lower case, SQLite ignores case).
    /// </summary>
    public static (Data Data, DateTimeOffset Now) Read(DbConnection connection)
    {
        List<T> All<T>(string sql, Func<DbDataReader, T> read)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var values = new List<T>();
            while (reader.Read())
            {
                values.Add(read(reader));
            }

            return values;
        }

        var touches = All("SELECT COUNT(*), MAX(OccurredAt) FROM ReferralTouches", r => (Count: Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), Last: r.GetInt64(1)))[0];
        var conversations = All("SELECT COUNT(*) FROM Conversations", r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture))[0];
        var first = All("SELECT ParticipantId, ParticipantName, ParticipantUsername FROM Conversations WHERE Id <= 5000 ORDER BY Id",
            r => (Id: r.GetString(0), Name: r.IsDBNull(1) ? null : r.GetString(1), Username: r.IsDBNull(2) ? null : r.GetString(2)));
        var refs = All("SELECT DISTINCT Ref FROM ReferralTouches WHERE Ref IS NOT NULL", r => r.GetString(0));
        var prefixes = refs.Select(x => x.Length > 6 ? x[..6] : x).Distinct().Concat(["family4", "code_1", "loose_1"]).ToArray();
        var data = new Data(touches.Count, conversations, 0, 0, refs.Count, 0, 0, [.. All("SELECT Id FROM Triggers ORDER BY Id", r => r.GetInt64(0))], prefixes,
            [.. first.Select(c => c.Id)], [.. first.Select(c => c.Name).OfType<string>()], [.. first.Select(c => c.Username).OfType<string>()], [.. refs]);
        return (data, DateTimeOffset.FromUnixTimeMilliseconds(touches.Last + 60_000));
    }
}
