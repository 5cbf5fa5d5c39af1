using System.Collections.Concurrent;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// The inodes the kernel currently references through this mount. FUSE counts lookups: every
/// entry reply (lookup, create, mknod, mkdir, symlink, link, each readdirplus entry) adds one,
/// forget subtracts; a node is dropped when its count is zero and no handle is open. Node ids
/// are Hypervisor inode numbers, so nothing needs translating.
/// </summary>
internal sealed class NodeTable
{
    private readonly ConcurrentDictionary<ulong, Node> _nodes = new();
    private readonly Lock _gate = new();

    public NodeTable(InodeAttributes root)
    {
        // The root is referenced by the kernel for the whole life of the mount, without lookups.
        _nodes[1] = new Node(1) { Lookups = long.MaxValue / 2, Attributes = root };
    }

    public int Count => _nodes.Count;

    public Node? Find(ulong ino) => _nodes.GetValueOrDefault(ino);

    public IEnumerable<Node> All => _nodes.Values;

    public Node GetOrAdd(ulong ino) => _nodes.GetOrAdd(ino, static i => new Node(i));

    /// <summary>Records an entry handed to the kernel: lookup count + 1, attributes refreshed.</summary>
    public Node Remember(InodeAttributes attributes)
    {
        lock (_gate)
        {
            var node = GetOrAdd(attributes.Ino);
            node.Lookups++;
            node.Attributes = attributes;
            return node;
        }
    }

    /// <summary>Refreshes the attributes of a node the kernel already holds (getattr, setattr).</summary>
    public void Refresh(InodeAttributes attributes)
    {
        if (_nodes.TryGetValue(attributes.Ino, out var node))
        {
            node.Attributes = attributes;
        }
    }

    public void Forget(ulong ino, ulong count)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(ino, out var node) || ino == 1)
            {
                return;
            }
            node.Lookups -= (long)Math.Min(count, (ulong)long.MaxValue);
            if (node.Lookups <= 0 && node.HandleCount == 0)
            {
                _nodes.TryRemove(ino, out _);
            }
        }
    }

    /// <summary>After the last handle of a node closes: drop it if the kernel forgot it meanwhile.</summary>
    public void DropIfUnused(Node node)
    {
        lock (_gate)
        {
            if (node.Lookups <= 0 && node.HandleCount == 0 && node.Ino != 1)
            {
                _nodes.TryRemove(node.Ino, out _);
            }
        }
    }
}
