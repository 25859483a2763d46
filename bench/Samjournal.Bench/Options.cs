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

    /// <summary>Load this many times the Synthea patients (clones with new ids, names, identifiers) and search again.</summary>
    public int Volume { get; init; } = 1;

    /// <summary>The backends that get the volume run; the others are measured at 1x only.</summary>
    public IReadOnlyList<string> VolumeBackends { get; init; } = ["postgres"];

    /// <summary>Use only the first N patient bundles (small trial runs).</summary>
    public int? Patients { get; init; }

    public int Searches { get; init; } = 3_000;

    /// <summary>Only measure the CPU of each ingest stage on one core (no server, no database).</summary>
    public bool Stages { get; init; }

    /// <summary>Run the queries as a staff user with a care relation to every patient.</summary>
    public bool AsStaff { get; init; }

    /// <summary>Server renders of the web app's patient overview to measure (0: none).</summary>
    public int OverviewRenders { get; init; }

    /// <summary>Stop a query's measured requests after this long (per query and client count).</summary>
    public int QuerySeconds { get; init; } = 60;

    public int VolumeFor(string backend) => VolumeBackends.Contains(backend) ? Volume : 1;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/Samjournal.Bench -- [options]
          --backend sqlite|postgres|both  storage backend(s) to measure (default both)
          --clients N                     concurrent ingest clients (default 4)
          --reads N                       read-by-id requests per client count (default 20000)
          --searches N                    requests per search query and client count (default 3000)
          --query-seconds N               stop a query's measured requests after N s (default 60)
          --volume N                      after the 1x measurements, load clones of the patients up to
                                          N times the Synthea volume and measure again (default 1, max 1000)
          --volume-on sqlite|postgres|both  backends that get the --volume run (default postgres)
          --patients N                    use only the first N patient bundles (trial runs)
          --stages                        only the CPU per resource of each ingest stage on one core
          --as-staff                      run the 1x queries as a ward doctor (access policy on) instead of the system client
          --overview N                    after the 1x queries, render the web app's patient overview N times for the
                                          patient with the most observations, signed in as the ward doctor
                                          (parse, reference walk, index extraction, serialise)
          --quick                         trial run: --patients 10 --reads 1000 --searches 200
          --server-url URL                measure a running server instead of starting one
          --server-path PATH              server executable (default: Release build of src/Samjournal.Server)
          --pg-conn CONNSTRING            use this PostgreSQL cluster instead of starting an fsync-on one
          --keep-postgres                 leave the benchmark PostgreSQL cluster and database in place
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
                "--backend" => options with { Backends = BackendList(Value()) },
                "--volume-on" => options with { VolumeBackends = BackendList(Value()) },
                "--volume" => options with { Volume = PositiveInt(Value()) is var v && v <= 1000 ? v : throw new ArgumentException("--volume is at most 1000.") },
                "--patients" => options with { Patients = PositiveInt(Value()) },
                "--searches" => options with { Searches = PositiveInt(Value()) },
                "--query-seconds" => options with { QuerySeconds = PositiveInt(Value()) },
                "--quick" => options with { Patients = 10, Reads = 1_000, Searches = 200 },
                "--as-staff" => options with { AsStaff = true },
                "--overview" => options with { OverviewRenders = PositiveInt(Value()) },
                "--clients" => options with { Clients = PositiveInt(Value()) },
                "--reads" => options with { Reads = PositiveInt(Value()) },
                "--server-url" => options with { ServerUrl = Value().TrimEnd('/') },
                "--server-path" => options with { ServerPath = Value() },
                "--pg-conn" => options with { PostgresConnection = Value() },
                "--keep-postgres" => options with { KeepPostgres = true },
                "--stages" => options with { Stages = true },
                "--write-doc" => options with { WriteDoc = true },
                "-h" or "--help" => throw new ArgumentException(Usage),
                var other => throw new ArgumentException($"Unknown option '{other}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static IReadOnlyList<string> BackendList(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => ["sqlite"],
        "postgres" => ["postgres"],
        "both" => ["sqlite", "postgres"],
        var other => throw new ArgumentException($"Unknown backend '{other}'.\n{Usage}"),
    };

    private static int PositiveInt(string text) =>
        int.TryParse(text, out var n) && n > 0 ? n : throw new ArgumentException($"'{text}' is not a positive number.");
}
