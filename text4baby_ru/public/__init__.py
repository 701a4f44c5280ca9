"""The public web page: join or stop the messages with a code sent by SMS."""
