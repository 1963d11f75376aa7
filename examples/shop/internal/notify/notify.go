// Package notify sends messages. Email.Notify is never called by name:
// it is reached through the Notifier interface, so removing it breaks
// every assignment of an Email to a Notifier.
package notify

import (
	"fmt"
	"io"
)

// Notifier delivers a message to a recipient.
type Notifier interface {
	Notify(to, msg string) error
}

// Email sends messages by mail; here it writes them to Out.
type Email struct {
	From string
	Out  io.Writer
}

// Notify implements Notifier.
func (e Email) Notify(to, msg string) error {
	_, err := fmt.Fprintf(e.Out, "From: %s\nTo: %s\n\n%s", e.From, to, msg)
	return err
}

// Broadcast sends msg to every recipient.
func Broadcast(n Notifier, msg string, to ...string) error {
	for _, r := range to {
		if err := n.Notify(r, msg); err != nil {
			return err
		}
	}
	return nil
}
