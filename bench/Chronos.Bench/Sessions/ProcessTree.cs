using System.Globalization;

namespace Chronos.Bench.Sessions;

/// <summary>Memory of a server and every process below it, from /proc.</summary>
internal sealed record ProcessTree(int Processes, long RssBytes, long PssBytes, long RootRssBytes, int RootThreads)
{
    /// <summary>
    /// Sums over <paramref name="root"/> and its descendants, leaving out the subtrees whose
    /// command name is in <paramref name="exclude"/> (the Gateway's redis-server is reported apart).
    /// RSS counts shared pages (libc, bash's text) once per process; PSS splits them among the
    /// processes mapping them, so its sum is the memory the tree really holds.
    /// </summary>
    public static ProcessTree Measure(int root, params string[] exclude)
    {
        var pids = Descendants(root, exclude).Prepend(root).ToList();
        return new ProcessTree(
            pids.Count,
            pids.Sum(p => Field($"/proc/{p}/status", "VmRSS:") * 1024),
            pids.Sum(p => Field($"/proc/{p}/smaps_rollup", "Pss:") * 1024),
            Field($"/proc/{root}/status", "VmRSS:") * 1024,
            (int)Field($"/proc/{root}/status", "Threads:"));
    }

    public static List<int> Descendants(int root, params string[] exclude)
    {
        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            foreach (var child in Children(frontier.Dequeue()))
            {
                if (exclude.Length > 0 && exclude.Contains(Command(child)))
                {
                    continue;
                }
                result.Add(child);
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>A process's children are listed per thread: the one that forked them (.NET forks from pool threads).</summary>
    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return []; // exited meanwhile
        }
        var children = new List<int>();
        foreach (var task in tasks)
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // The thread or the process ended meanwhile.
            }
        }
        return children;
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The number in a "Name: value [kB]" line; 0 when the process is gone.</summary>
    private static long Field(string path, string name)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
