"""Joining and stopping on the web page, confirmed by a code sent by SMS."""
