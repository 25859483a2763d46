namespace Samjournal.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record Options
{
    public IReadOnlyList<string> Backends { get; init; } = ["sqlite", "postgres"];
    public int Clients { get; init; } = 4;
    public int Reads { get; init; } = 20_000;
    public string? ServerUrl { get; init; }
    public string? ServerPath { get; init; }
    public string? PostgresConnection { get; init; }
    public bool WriteDoc { get; init; }
    public bool KeepPostgres { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/Samjournal.Bench -- [options]
          --backend sqlite|postgres|both  storage backend(s) to measure (default both)
          --clients N                     concurrent ingest clients (default 4)
          --reads N                       read-by-id requests per client count (default 20000)
          --server-url URL                measure a running server instead of starting one
          --server-path PATH              server executable (default: Release build of src/Samjournal.Server)
          --pg-conn CONNSTRING            use this PostgreSQL cluster instead of starting an fsync-on one
          --keep-postgres                 leave the benchmark PostgreSQL cluster running afterwards
          --write-doc                     rewrite the results section of docs/benchmarks.md
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--backend" => options with
                {
                    Backends = Value().ToLowerInvariant() switch
                    {
                        "sqlite" => ["sqlite"],
                        "postgres" => ["postgres"],
                        "both" => ["sqlite", "postgres"],
                        var other => throw new ArgumentException($"Unknown backend '{other}'.\n{Usage}"),
                    },
                },
                "--clients" => options with { Clients = PositiveInt(Value()) },
                "--reads" => options with { Reads = PositiveInt(Value()) },
                "--server-url" => options with { ServerUrl = Value().TrimEnd('/') },
                "--server-path" => options with { ServerPath = Value() },
                "--pg-conn" => options with { PostgresConnection = Value() },
                "--keep-postgres" => options with { KeepPostgres = true },
                "--write-doc" => options with { WriteDoc = true },
                "-h" or "--help" => throw new ArgumentException(Usage),
                var other => throw new ArgumentException($"Unknown option '{other}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static int PositiveInt(string text) =>
        int.TryParse(text, out var n) && n > 0 ? n : throw new ArgumentException($"'{text}' is not a positive number.");
}
