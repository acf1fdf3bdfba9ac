package diagnose

// Notes that mark an exchange's purpose. The flow runner sets them, the
// HAR writer stores them in an entry's comment, and the HAR reader and
// the demo read them back, so all of them use these constants.
const (
	// NoteWarmUp marks the request that opens the connection to the
	// token endpoint while the user signs in.
	NoteWarmUp = "warm-up"
	// NoteRefreshReplay marks the deliberate second use of an old refresh
	// token that checks rotation; its rejection is the expected result.
	NoteRefreshReplay = "refresh replay check"
)
