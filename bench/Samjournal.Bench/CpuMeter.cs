using System.Globalization;

namespace Samjournal.Bench;

/// <summary>
/// CPU use over an interval, from /proc: the whole machine, the server process and this client, as a
/// share of all cores. The rest is the database (PostgreSQL) and anything else running on the machine.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int _serverPid;
    private readonly (long Busy, long Total) _machine;
    private readonly long _server;
    private readonly long _client;

    public CpuMeter(int serverPid)
    {
        _serverPid = serverPid;
        _machine = Machine();
        _server = ProcessTicks(serverPid);
        _client = ProcessTicks(Environment.ProcessId);
    }

    /// <summary>"machine 95 %: server 60 %, client 5 %, rest 30 %" since construction.</summary>
    public string Describe()
    {
        var (busy, total) = Machine();
        var totalTicks = (double)(total - _machine.Total);
        if (totalTicks <= 0)
        {
            return "n/a";
        }

        var machine = (busy - _machine.Busy) / totalTicks;
        var server = (ProcessTicks(_serverPid) - _server) / totalTicks;
        var client = (ProcessTicks(Environment.ProcessId) - _client) / totalTicks;
        return string.Create(CultureInfo.InvariantCulture,
            $"machine {machine:P0} busy: server {server:P0}, bench client {client:P0}, rest (database and other processes) {machine - server - client:P0}");
    }

    private static (long Busy, long Total) Machine()
    {
        var line = File.ReadLines("/proc/stat").First();
        var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var total = ticks.Sum();
        return (total - ticks[3] - ticks[4], total); // idle and iowait are not busy
    }

    private static long ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
