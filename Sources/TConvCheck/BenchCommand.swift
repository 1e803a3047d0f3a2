/// `tconv bench`: filled in by the fast-engine work (issue 5).
public enum BenchCommand {
    public static func main(_ arguments: [String]) -> Int32 {
        print("tconv bench: not implemented yet")
        return 2
    }
}
